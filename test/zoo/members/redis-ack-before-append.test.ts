/**
 * redis-ack-before-append: with Redis stopped, the member still answers 200 with an id, and that
 * event is not in the log once Redis is back; the reference answers 503 and loses nothing it acked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSseServer, type SseServer, type SseServerOptions } from '../../../server/app.ts';
import { redisAckBeforeAppend } from '../../../zoo/members/redis-ack-before-append.ts';
import { createHarness, publish, publishOk } from '../../server/helpers.ts';
import { useRedis, type RedisServer } from '../../server/redis-helpers.ts';
import type { Started } from '../helpers.ts';

const h = createHarness();
const redis = useRedis();
afterEach(() => h.cleanup());

function start(r: RedisServer, redisKey: string, build: (o: SseServerOptions) => SseServer) {
  return h.start({ log: 'redis', redisUrl: r.url, redisKey, redisTimeoutMs: 500 }, build);
}

/** Waits until readiness is back (the connection comes back within about a second). */
async function readyAgain(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (((await (await fetch(`${url}/readyz`)).json()) as { status: string }).status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`${url} not ready again within 15 s`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * The data of everything the log holds (a malformed id gets a reset, then the whole window), up to
 * a marker found by its data: after an outage the member's acknowledged ids need not be the stored
 * ones, so ids cannot find it.
 */
async function retainedData({ url }: Started): Promise<{ id: string; data: string }[]> {
  const s = await h.stream(url, '/events', { 'Last-Event-ID': 'read-all' });
  const marker = `marker-${Math.random()}`;
  await publishOk(url, { topic: 'marker', data: marker });
  await s.waitFor((x) => x.events.some((e) => e.data === marker), 10_000, 'the marker');
  return s.events
    .filter((e) => e.event !== 'reset' && !e.data.startsWith('marker-'))
    .map((e) => ({ id: e.id!, data: e.data }));
}

describe('redis-ack-before-append', () => {
  it('acknowledges publishes while Redis is down and loses them; the reference refuses them', async () => {
    const r = await redis.start();
    const member = await start(r, 'zoo:events', redisAckBeforeAppend.build);
    const reference = await start(r, 'reference:events', createSseServer);
    // While Redis answers, the member's acknowledgements are the ids the events got.
    const healthy = [
      await publishOk(member.url, { data: 'h1' }),
      await publishOk(member.url, { data: 'h2' }),
    ];
    expect((await retainedData(member)).map((e) => e.id)).toEqual(healthy);

    await r.stop();
    const zooDuring = await publish(member.url, { data: 'during' });
    const refDuring = await publish(reference.url, { data: 'during' });
    expect(zooDuring.status).toBe(200); // THE DEFECT: acknowledged...
    expect(zooDuring.json.id).toMatch(/^\d{13}-\d{12}$/);
    expect(refDuring.status).toBe(503);
    expect(refDuring.json.error).toMatch(/^event not stored: Redis log unavailable/);

    await r.start();
    await Promise.all([readyAgain(member.url), readyAgain(reference.url)]);
    await publishOk(member.url, { data: 'after' });
    await publishOk(reference.url, { data: 'after' });
    // ...and lost: it never reached the log.
    expect((await retainedData(member)).map((e) => e.data)).toEqual(['h1', 'h2', 'after']);
    expect(
      member.logger.records.some((l) => l.msg === 'append failed after the publish was acknowledged'),
    ).toBe(true);
    // The reference acknowledged nothing it did not store.
    expect((await retainedData(reference)).map((e) => e.data)).toEqual(['after']);
  });
});
