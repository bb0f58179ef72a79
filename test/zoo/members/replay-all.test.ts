/** replay-all: every connection replays the whole retained log, whatever Last-Event-ID says. */
import { afterEach, describe, expect, it } from 'vitest';
import { replayAll } from '../../../zoo/members/replay-all.ts';
import { createHarness } from '../../server/helpers.ts';
import { publishSeries, startPair, untilMarker, type Started } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

/** What a client up to date (last id = the newest) and a new client get before the next event. */
async function connect({ url }: Started) {
  const ids = await publishSeries(url, 3);
  const upToDate = await h.stream(url, '/events', { 'Last-Event-ID': ids[2]! });
  const fresh = await h.stream(url);
  const marker = untilMarker(url, upToDate);
  return {
    ids,
    upToDate: (await marker).map((e) => e.id),
    fresh: (await untilMarker(url, fresh)).map((e) => e.id).filter((id) => ids.includes(id!)),
  };
}

describe('replay-all', () => {
  it('replays all retained events with or without Last-Event-ID; the reference sends nothing old', async () => {
    const { member, reference } = await startPair(h, replayAll);
    const zoo = await connect(member);
    expect(zoo.upToDate).toEqual(zoo.ids);
    expect(zoo.fresh).toEqual(zoo.ids);
    const ref = await connect(reference);
    expect(ref.upToDate).toEqual([]);
    expect(ref.fresh).toEqual([]);
  });
});
