/**
 * redis-local-replay: two instances on one Redis stream; a client that saw an event on A fails over
 * to B. The member replays only what B published itself; two reference instances replay everything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSseServer, type SseServer, type SseServerOptions } from '../../../server/app.ts';
import { redisLocalReplay } from '../../../zoo/members/redis-local-replay.ts';
import { createHarness, publishOk } from '../../server/helpers.ts';
import { useRedis } from '../../server/redis-helpers.ts';
import { untilMarker } from '../helpers.ts';

const h = createHarness();
const redis = useRedis();
afterEach(() => h.cleanup());

/**
 * A publishes a1, B publishes b1, A publishes a2 and a3; a client that last saw a1 (on A) reconnects
 * to B. Returns what it should get (everything after a1) and what it got before a marker.
 */
async function failover(url: string, redisKey: string, build: (o: SseServerOptions) => SseServer) {
  const options = { log: 'redis' as const, redisUrl: url, redisKey };
  const a = await h.start(options, build);
  const b = await h.start(options, build);
  const a1 = await publishOk(a.url, { data: 'a1' });
  const b1 = await publishOk(b.url, { data: 'b1' });
  const a2 = await publishOk(a.url, { data: 'a2' });
  const a3 = await publishOk(a.url, { data: 'a3' });
  const s = await h.stream(b.url, '/events', { 'Last-Event-ID': a1 });
  const received = await untilMarker(b.url, s);
  return { expected: [b1, a2, a3], received, ownOnB: [b1] };
}

describe('redis-local-replay', () => {
  it("replays only the instance's own publishes to a client failing over from another instance", async () => {
    const r = await redis.start();
    const zoo = await failover(r.url, 'zoo:events', redisLocalReplay.build);
    // Silently: B's own event only, no reset, the other instance's events skipped.
    expect(zoo.received.map((e) => e.id)).toEqual(zoo.ownOnB);
    expect(zoo.received.some((e) => e.event === 'reset')).toBe(false);
    expect(zoo.expected.filter((id) => !zoo.received.some((e) => e.id === id)).length).toBe(2);

    const reference = await failover(r.url, 'reference:events', createSseServer);
    expect(reference.received.map((e) => e.id)).toEqual(reference.expected);
  });
});
