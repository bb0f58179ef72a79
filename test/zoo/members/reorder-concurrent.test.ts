/**
 * reorder-concurrent: under concurrent publishes live streams get ids out of order (every event
 * once), replays come in id order, and the ack follows the broadcast. The reference streams live
 * events in id order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reorderConcurrent } from '../../../zoo/members/reorder-concurrent.ts';
import { createHarness, metricValue, publishOk } from '../../server/helpers.ts';
import { startPair, untilMarker, type Started } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

const inversions = (ids: string[]) => ids.filter((id, i) => i > 0 && id < ids[i - 1]!).length;

/** Rounds of 30 concurrent publishes to one live stream, until its order is broken (or 5 rounds). */
async function concurrentRounds({ url }: Started) {
  const s = await h.stream(url);
  await s.waitFor((x) => /^retry: \d+\n\nid: \S+\n\n/.test(x.raw), 5000, 'the resume point');
  const start = /^retry: \d+\n\nid: (\S+)\n\n/.exec(s.raw)![1]!;
  const published: string[] = [];
  for (let round = 0; round < 5; round += 1) {
    const ids = await Promise.all(
      [...Array(30).keys()].map((i) => publishOk(url, { data: `r${round}:${i}` })),
    );
    published.push(...ids);
    await s.waitFor((x) => x.events.length === published.length, 10_000, `round ${round}`);
    if (inversions(s.events.map((e) => e.id!)) > 0) break;
  }
  const live = s.events.map((e) => e.id!);
  const replay = await h.stream(url, '/events', { 'Last-Event-ID': start });
  return { published, live, replayed: (await untilMarker(url, replay)).map((e) => e.id!) };
}

describe('reorder-concurrent', () => {
  it('delivers concurrent publishes live out of id order, each once; replays in id order', async () => {
    const { member, reference } = await startPair(h, reorderConcurrent);
    const zoo = await concurrentRounds(member);
    expect(inversions(zoo.live)).toBeGreaterThan(0);
    expect([...zoo.live].sort()).toEqual([...zoo.published].sort());
    expect(zoo.replayed).toEqual([...zoo.published].sort());

    const ref = await concurrentRounds(reference);
    expect(inversions(ref.live)).toBe(0);
    expect(ref.live).toEqual([...ref.published].sort());
  });

  it('acknowledges a publish only after it was written to the live streams', async () => {
    const { url } = await h.start({}, reorderConcurrent.build);
    const s = await h.stream(url);
    await s.waitFor((x) => x.items.length > 0);
    for (let i = 1; i <= 10; i += 1) {
      await publishOk(url, { data: `e${i}` });
      expect(await metricValue(url, 'sse_events_written_total')).toBe(i);
    }
  });
});
