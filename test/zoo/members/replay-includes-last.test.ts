/** replay-includes-last: a resume re-sends the Last-Event-ID event itself. */
import { afterEach, describe, expect, it } from 'vitest';
import { replayIncludesLast } from '../../../zoo/members/replay-includes-last.ts';
import { createHarness } from '../../server/helpers.ts';
import { resumeAfterThree, startPair } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

describe('replay-includes-last', () => {
  it('replays from the Last-Event-ID event inclusive; the reference strictly after it', async () => {
    const { member, reference } = await startPair(h, replayIncludesLast);
    const zoo = await resumeAfterThree(h, member, 1);
    expect(zoo.received.map((e) => e.id)).toEqual([zoo.ids[1], zoo.ids[2]]);
    const ref = await resumeAfterThree(h, reference, 1);
    expect(ref.received.map((e) => e.id)).toEqual([ref.ids[2]]);
  });

  it('duplicates the last event for a client that had everything', async () => {
    const { member, reference } = await startPair(h, replayIncludesLast);
    const zoo = await resumeAfterThree(h, member, 2);
    expect(zoo.received.map((e) => e.id)).toEqual([zoo.ids[2]]);
    expect((await resumeAfterThree(h, reference, 2)).received).toEqual([]);
  });
});
