/** Replay after Last-Event-ID and explicit resets, against an in-process server. */
import { afterEach, describe, expect, it } from 'vitest';
import { formatId } from '../../server/ids.ts';
import { createHarness, metricValue, publishOk } from './helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

async function publishMany(url: string, n: number, topic?: (i: number) => string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= n; i += 1)
    ids.push(await publishOk(url, { topic: topic?.(i) ?? 'default', data: `e${i}` }));
  return ids;
}

describe('replay', () => {
  it('replays strictly after a known id, then continues live', async () => {
    const { url } = await h.start();
    const ids = await publishMany(url, 10);
    const s = await h.stream(url, '/events', { 'Last-Event-ID': ids[3]! });
    await s.waitFor((x) => x.events.length === 6, 5000, 'six replayed events');
    const live = await publishOk(url, { data: 'live' });
    await s.waitFor((x) => x.events.length === 7, 5000, 'the live event');
    expect(s.events.map((e) => e.id)).toEqual([...ids.slice(4), live]);
    expect(s.events.some((e) => e.event === 'reset')).toBe(false);
    expect(s.items[0]!.kind).toBe('retry');
    expect(await metricValue(url, 'sse_replayed_events_total')).toBe(6);
  });

  it('replays only the subscribed topics, using the global id order', async () => {
    const { url } = await h.start();
    const ids = await publishMany(url, 9, (i) => (i % 3 === 0 ? 'b' : 'a'));
    const s = await h.stream(url, '/events?topics=b', { 'Last-Event-ID': ids[2]! });
    await s.waitFor((x) => x.events.length === 2, 5000, 'two topic-b events');
    expect(s.events.map((e) => e.data)).toEqual(['e6', 'e9']);
  });

  it('accepts ?lastEventId= for clients that cannot set headers; the header wins when both are sent', async () => {
    const { url } = await h.start();
    const ids = await publishMany(url, 5);
    const q = await h.stream(url, `/events?lastEventId=${ids[2]}`);
    await q.waitFor((x) => x.events.length === 2, 5000, 'two events');
    expect(q.events.map((e) => e.id)).toEqual(ids.slice(3));
    const both = await h.stream(url, `/events?lastEventId=${ids[0]}`, { 'Last-Event-ID': ids[3]! });
    await both.waitFor((x) => x.events.length === 1, 5000, 'one event');
    expect(both.events.map((e) => e.id)).toEqual([ids[4]]);
  });

  it('a client that has seen everything gets nothing until the next event', async () => {
    const { url } = await h.start();
    const ids = await publishMany(url, 3);
    const s = await h.stream(url, '/events', { 'Last-Event-ID': ids[2]! });
    await s.waitFor((x) => x.items.length > 0);
    const next = await publishOk(url, { data: 'next' });
    await s.waitFor((x) => x.events.length === 1);
    expect(s.events[0]!.id).toBe(next);
  });
});

describe('reset', () => {
  async function expectReset(url: string, lastId: string, reason: string, window: string[]) {
    const s = await h.stream(url, '/events', { 'Last-Event-ID': lastId });
    await s.waitFor((x) => x.events.length === window.length + 1, 5000, 'reset and the window');
    const [reset, ...rest] = s.events;
    expect(reset!.event).toBe('reset');
    expect(reset!.id).toBeUndefined();
    expect(JSON.parse(reset!.data)).toEqual({ reason, earliestId: window[0], requested: lastId });
    expect(rest.map((e) => e.id)).toEqual(window);
    s.close();
  }

  it('sends an explicit reset for malformed, unknown and expired ids, then the whole window', async () => {
    const { url, server } = await h.start({ logRetention: 5 });
    const ids = await publishMany(url, 12);
    const window = ids.slice(7);
    await expectReset(url, 'not-an-id', 'malformed', window);
    await expectReset(url, formatId('0000000000001', 3), 'unknown', window);
    await expectReset(url, formatId(server.eventLog.epoch, 999), 'unknown', window);
    await expectReset(url, ids[2]!, 'expired', window);
    // The id just before the window is not expired: nothing after it is missing.
    const edge = await h.stream(url, '/events', { 'Last-Event-ID': ids[6]! });
    await edge.waitFor((x) => x.events.length === 5, 5000, 'the window');
    expect(edge.events.map((e) => e.id)).toEqual(window);
    expect(await metricValue(url, 'sse_resets_total', '{reason="malformed"}')).toBe(1);
    expect(await metricValue(url, 'sse_resets_total', '{reason="unknown"}')).toBe(2);
    expect(await metricValue(url, 'sse_resets_total', '{reason="expired"}')).toBe(1);
  });

  it('resets with earliestId null on an empty log and then streams live', async () => {
    const { url } = await h.start();
    const s = await h.stream(url, '/events', { 'Last-Event-ID': 'stale' });
    await s.waitFor((x) => x.events.length === 1, 5000, 'the reset');
    expect(JSON.parse(s.events[0]!.data)).toEqual({
      reason: 'malformed',
      earliestId: null,
      requested: 'stale',
    });
    const id = await publishOk(url, { data: 'first' });
    await s.waitFor((x) => x.events.length === 2, 5000, 'the live event');
    expect(s.events[1]!.id).toBe(id);
  });
});
