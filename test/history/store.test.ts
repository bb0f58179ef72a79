/** The History store: append order across columnar and object kinds, kind filters, JSONL round trip. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryFormatError, readJsonl, writeJsonl } from '../../harness/history/jsonl.ts';
import type { HistoryRecord } from '../../harness/history/records.ts';
import { History } from '../../harness/history/store.ts';
import { createRunClock } from '../../harness/history/clock.ts';

const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample: HistoryRecord[] = [
  { kind: 'run-start', t: 0, wallClock: '2026-11-22T07:00:00.000Z' },
  { kind: 'subscriber', t: 1, sub: 0, profile: 'backoff', topics: ['a', 'b'], lane: 'edge-b' },
  { kind: 'connect', t: 2, sub: 0, attempt: 1, lastEventId: '' },
  { kind: 'response', t: 3, sub: 0, status: 200, contentType: 'text/event-stream', headersMs: 1.5 },
  { kind: 'first-byte', t: 3.5, sub: 0, ttfbMs: 1.6 },
  { kind: 'heartbeat', t: 4, sub: 0 },
  {
    kind: 'event',
    t: 5,
    sub: 0,
    id: 'a-1',
    type: 'message',
    bytes: 40,
    seq: 1,
    topic: 'a',
    publishedAt: 4.25,
  },
  { kind: 'event', t: 6, sub: 0, id: 'x', type: 'other', bytes: 0 },
  { kind: 'retry', t: 6.5, sub: 0, ms: 1e11, appliedMs: 2 ** 31 - 1 },
  { kind: 'reset', t: 7, sub: 0, data: 'earliest 3' },
  { kind: 'close', t: 8, sub: 0, reason: 'error', detail: 'ECONNRESET' },
  { kind: 'reconnect-wait', t: 8, sub: 0, delayMs: 120, profile: 'backoff' },
  { kind: 'heartbeat', t: 9, sub: 3 },
  { kind: 'fault-start', t: 10, id: 1, fault: 'latency', leg: 'edge', params: { ms: 100 } },
  { kind: 'metrics', t: 11, label: 'x', samples: { 'a{b="c"}': 2 } },
  { kind: 'unsubscribe', t: 12, sub: 0 },
  { kind: 'run-end', t: 13 },
];

describe('History', () => {
  it('iterates every kind back in append order, equal to what was appended', () => {
    const h = new History();
    sample.forEach((r) => h.append(r));
    expect(h.size).toBe(sample.length);
    expect([...h.records()]).toEqual(sample);
    expect(h.at(6)).toEqual(sample[6]);
    expect(() => h.at(sample.length)).toThrow(/no record #17/);
  });

  it('filters by kind and by subscriber, and counts kinds', () => {
    const h = new History();
    sample.forEach((r) => h.append(r));
    expect([...h.ofKind('event')].map((e) => e.id)).toEqual(['a-1', 'x']);
    expect([...h.ofKind('heartbeat')].map((e) => e.sub)).toEqual([0, 3]);
    expect([...h.ofKind('close')]).toEqual([sample[10]]);
    expect(h.count('heartbeat')).toBe(2);
    expect(h.count('publish')).toBe(0);
    expect([...h.ofSubscriber(3)]).toEqual([sample[12]]);
  });

  it('round-trips through JSON lines', async () => {
    const h = new History();
    sample.forEach((r) => h.append(r));
    const path = join(dir, 'h.jsonl');
    await writeJsonl(h, path);
    const back = await readJsonl(path);
    expect([...back.records()]).toEqual(sample);
  });

  it('streams a large history out and back (many write batches)', async () => {
    const h = new History();
    for (let i = 0; i < 30_000; i++) {
      if (i % 7 === 0) h.appendHeartbeat(i, i % 50);
      else h.appendEvent(i, i % 50, `id-${i >> 4}`, 'message', 100, i >> 4, 'topic-a', i / 2);
    }
    h.append({ kind: 'close', t: 30_000, sub: 3, reason: 'stalled' });
    const path = join(dir, 'big.jsonl');
    await writeJsonl(h, path);
    const back = await readJsonl(path);
    expect(back.size).toBe(h.size);
    expect([...back.records()]).toEqual([...h.records()]);
    expect(History.from(back).count('heartbeat')).toBe(h.count('heartbeat'));
  });

  it('a bad line fails with its line number and the problem', async () => {
    const path = join(dir, 'bad.jsonl');
    const lines = sample.slice(0, 3).map((r) => JSON.stringify(r));
    writeFileSync(path, [...lines, '{"kind":"close","t":1,"sub":0,"reason":"gone"}'].join('\n'));
    await expect(readJsonl(path)).rejects.toThrow(HistoryFormatError);
    await expect(readJsonl(path)).rejects.toThrow(/bad\.jsonl:4: .*reason/);
    writeFileSync(path, '{"kind":"heartbeat","t":1,"sub":0}\n{nope\n');
    await expect(readJsonl(path)).rejects.toThrow(/:2: not a history record: invalid JSON/);
    writeFileSync(path, '{"kind":"teleport","t":1}\n');
    await expect(readJsonl(path)).rejects.toThrow(/:1: .*kind/);
  });

  it('the run clock is monotonic from its origin and maps to wall-clock time', () => {
    const c = createRunClock();
    const a = c.now();
    const b = c.now();
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThanOrEqual(a);
    const wall = Date.parse(c.wallClockAt(0));
    expect(Math.abs(wall - (Date.now() - c.now()))).toBeLessThan(1000);
  });
});
