/** replay-none: a resume gets neither the missed events nor a reset. */
import { afterEach, describe, expect, it } from 'vitest';
import { replayNone } from '../../../zoo/members/replay-none.ts';
import { createHarness } from '../../server/helpers.ts';
import { resumeAfterThree, startPair } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

describe('replay-none', () => {
  it('streams live from the head, silently; the reference replays what was missed', async () => {
    const { member, reference } = await startPair(h, replayNone);
    const zoo = await resumeAfterThree(h, member, 0);
    expect(zoo.received).toEqual([]); // no replay and no reset
    const ref = await resumeAfterThree(h, reference, 0);
    expect(ref.received.map((e) => e.id)).toEqual(ref.ids.slice(1));
  });
});
