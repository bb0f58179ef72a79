/** reset-always: every resume is an "expired" reset and continues from the head. */
import { afterEach, describe, expect, it } from 'vitest';
import { resetAlways } from '../../../zoo/members/reset-always.ts';
import { createHarness } from '../../server/helpers.ts';
import { publishSeries, resumeAfterThree, startPair, untilMarker } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

describe('reset-always', () => {
  it('answers a retained id with reset "expired" and no replay; the reference replays after it', async () => {
    const { member, reference } = await startPair(h, resetAlways);
    const zoo = await resumeAfterThree(h, member, 1);
    expect(zoo.received).toHaveLength(1);
    expect(zoo.received[0]).toMatchObject({ event: 'reset', id: undefined });
    expect(JSON.parse(zoo.received[0]!.data)).toEqual({
      reason: 'expired',
      earliestId: zoo.ids[0],
      requested: zoo.ids[1],
    });
    const ref = await resumeAfterThree(h, reference, 1);
    expect(ref.received.map((e) => [e.id, e.event])).toEqual([[ref.ids[2], undefined]]);
  });

  it('leaves streams without Last-Event-ID alone', async () => {
    const { url } = await h.start({}, resetAlways.build);
    await publishSeries(url, 2);
    const s = await h.stream(url);
    expect(await untilMarker(url, s)).toEqual([]);
    expect(s.raw).toMatch(/^retry: \d+\n\nid: \S+\n\n/);
  });
});
