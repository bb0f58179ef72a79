/**
 * The resume point: a stream without a usable Last-Event-ID starts with an id-only block, so a client
 * cut before its first event can still resume (real server on 127.0.0.1, real HTTP).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createParser as createEsParser } from 'eventsource-parser';
import { createParser } from '../../harness/client/parser.ts';
import { frameIdOnly } from '../../server/framing.ts';
import { formatId, formatPosition, parsePosition } from '../../server/ids.ts';
import { resolveResume } from '../../server/resume.ts';
import { createHarness, publishOk, type TestStream } from './helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

const EPOCH = '1795331412089';
const SENTINEL = `${EPOCH}-000000000000`;

/** The id of the id-only block that must follow `retry:` at the very start of the stream. */
async function startId(s: TestStream): Promise<string> {
  const head = /^retry: \d+\n\nid: ([^\n]+)\n\n/;
  await s.waitFor((x) => head.test(x.raw), 5000, 'retry + id-only block');
  return head.exec(s.raw)![1]!;
}

describe('resume positions (pure)', () => {
  it('formats and parses the empty-log sentinel; event ids stay strict', () => {
    expect(formatPosition(EPOCH, 0)).toBe(SENTINEL);
    expect(formatPosition(EPOCH, 7)).toBe(formatId(EPOCH, 7));
    expect(parsePosition(SENTINEL)).toEqual({ epoch: EPOCH, seq: 0 });
    expect(parsePosition(`${EPOCH}-0`)).toBeUndefined();
    expect(() => formatId(EPOCH, 0)).toThrow(RangeError);
  });

  it('resumes from the sentinel: everything if the first event is retained, else an expired reset', () => {
    expect(resolveResume(SENTINEL, { epoch: EPOCH, firstSeq: 1, lastSeq: 0 })).toEqual({
      kind: 'replay',
      afterSeq: 0,
    });
    expect(resolveResume(SENTINEL, { epoch: EPOCH, firstSeq: 1, lastSeq: 5 })).toEqual({
      kind: 'replay',
      afterSeq: 0,
    });
    expect(resolveResume(SENTINEL, { epoch: EPOCH, firstSeq: 3, lastSeq: 5 })).toMatchObject({
      kind: 'reset',
      reason: 'expired',
      afterSeq: 2,
      earliestId: formatId(EPOCH, 3),
    });
    expect(resolveResume(SENTINEL, { epoch: '1795331412090', firstSeq: 1, lastSeq: 0 })).toMatchObject({
      kind: 'reset',
      reason: 'unknown',
    });
  });
});

describe('the id-only block dispatches nothing', () => {
  const wire = `retry: 1000\n\n${frameIdOnly(SENTINEL)}: hb 1\n\nid: ${formatId(EPOCH, 1)}\ndata: a\n\n`;

  it('in our parser: it only moves the last event id', () => {
    const events: Array<{ data: string; lastEventId: string }> = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    const cut = wire.indexOf('id: ', wire.indexOf(SENTINEL) + SENTINEL.length);
    parser.feed(Buffer.from(wire.slice(0, cut)));
    expect(events).toEqual([]);
    expect(parser.lastEventId).toBe(SENTINEL);
    parser.feed(Buffer.from(wire.slice(cut)));
    expect(events.map((e) => [e.data, e.lastEventId])).toEqual([['a', formatId(EPOCH, 1)]]);
  });

  it('in eventsource-parser', () => {
    const events: string[] = [];
    createEsParser({ onEvent: (e) => events.push(e.data) }).feed(wire);
    expect(events).toEqual(['a']);
  });
});

describe('resume point on connect', () => {
  it('a client cut before any event resumes from the head it was given and misses nothing', async () => {
    const { url } = await h.start();
    const before = [await publishOk(url, { data: 'b1' }), await publishOk(url, { data: 'b2' })];
    const first = await h.stream(url);
    expect(await startId(first)).toBe(before[1]);
    first.close();
    const meanwhile = [await publishOk(url, { data: 'm1' }), await publishOk(url, { data: 'm2' })];
    const second = await h.stream(url, '/events', { 'Last-Event-ID': before[1]! });
    await second.waitFor((x) => x.events.length === 2, 5000, 'the two events published meanwhile');
    expect(second.events.map((e) => e.id)).toEqual(meanwhile);
    // A replaying stream already has its resume point: no id-only block.
    expect(second.raw).toMatch(/^retry: \d+\n\nid: [^\n]+\ndata: m1\n/);
  });

  it('an empty log sends the sentinel, and resuming from it replays everything since', async () => {
    const { url, server } = await h.start();
    const s = await h.stream(url);
    const sentinel = await startId(s);
    expect(sentinel).toBe(`${server.eventLog.epoch}-000000000000`);
    expect(s.events).toEqual([]);
    s.close();
    const ids = [await publishOk(url, { data: 'x' }), await publishOk(url, { data: 'y' })];
    const again = await h.stream(url, '/events', { 'Last-Event-ID': sentinel });
    await again.waitFor((x) => x.events.length === 2, 5000, 'both events');
    expect(again.events.map((e) => e.id)).toEqual(ids);
  });

  it('the sentinel after the first event left the window gets an expired reset, never a silent gap', async () => {
    const { url, server } = await h.start({ logRetention: 2 });
    const ids = [];
    for (const d of ['1', '2', '3']) ids.push(await publishOk(url, { data: d }));
    const s = await h.stream(url, '/events', { 'Last-Event-ID': `${server.eventLog.epoch}-000000000000` });
    await s.waitFor((x) => x.events.length === 3, 5000, 'reset + two retained');
    expect(JSON.parse(s.events[0]!.data)).toMatchObject({ reason: 'expired', earliestId: ids[1] });
    expect(s.events.slice(1).map((e) => e.id)).toEqual(ids.slice(1));
  });

  it('a memory log restart (new epoch) answers the old sentinel with an unknown reset, then everything retained', async () => {
    const a = await h.start();
    const oldSentinel = await startId(await h.stream(a.url));
    await a.server.close();
    await new Promise((r) => setTimeout(r, 5)); // a new epoch is the next millisecond at the earliest
    const b = await h.start();
    expect(b.server.eventLog.epoch).not.toBe(a.server.eventLog.epoch);
    const ids = [await publishOk(b.url, { data: 'n1' }), await publishOk(b.url, { data: 'n2' })];
    const s = await h.stream(b.url, '/events', { 'Last-Event-ID': oldSentinel });
    await s.waitFor((x) => x.events.length === 3, 5000, 'reset + both events');
    expect(s.events[0]!.event).toBe('reset');
    expect(JSON.parse(s.events[0]!.data)).toMatchObject({ reason: 'unknown', earliestId: ids[0] });
    expect(s.events.slice(1).map((e) => e.id)).toEqual(ids);
    // After a reset the client also gets a resume point (here: before the first retained event).
    expect(await startId(s)).toBe(`${b.server.eventLog.epoch}-000000000000`);
  });

  it('the announced head is exactly the live boundary while publishes race the connect', async () => {
    const { url } = await h.start({ log: 'memory' });
    const published: string[] = [];
    let stop = false;
    const publishers = Array.from({ length: 4 }, async (_, p) => {
      for (let i = 0; !stop; i += 1) published.push(await publishOk(url, { data: `p${p}-${i}` }));
    });
    try {
      await new Promise((r) => setTimeout(r, 30));
      const streams = [];
      for (let i = 0; i < 5; i += 1) streams.push(await h.stream(url));
      await new Promise((r) => setTimeout(r, 30));
      stop = true;
      await Promise.all(publishers);
      const all = [...published].sort();
      for (const s of streams) {
        const head = await startId(s);
        const expected = all.filter((id) => id > head);
        await s.waitFor((x) => x.events.length >= expected.length, 5000, 'every event after the head');
        expect(expected.length).toBeGreaterThan(0);
        expect(s.events.map((e) => e.id)).toEqual(expected);
      }
    } finally {
      stop = true;
      await Promise.allSettled(publishers);
    }
  });
});
