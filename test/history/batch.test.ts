/** Record batches: what a fleet process ships is what the runner's History then holds, in order. */
import { describe, expect, it } from 'vitest';
import { appendBatch, BatchRecorder, batchSize } from '../../harness/history/batch.ts';
import type { HistoryRecord } from '../../harness/history/records.ts';
import { History } from '../../harness/history/store.ts';

const records: HistoryRecord[] = [
  { kind: 'subscriber', t: 1, sub: 7, profile: 'browser', topics: ['a'], lane: 'edge-b' },
  { kind: 'connect', t: 2, sub: 7, attempt: 1, lastEventId: '' },
  { kind: 'heartbeat', t: 3.25, sub: 7 },
  {
    kind: 'event',
    t: 4.5,
    sub: 7,
    id: 'e-1',
    type: 'message',
    bytes: 120,
    seq: 1,
    topic: 'a',
    publishedAt: 3.9,
  },
  { kind: 'event', t: 5, sub: 8, id: 'e-1', type: 'message', bytes: 120, payload: 'foreign' },
  { kind: 'event', t: 5.5, sub: 8, id: 'x', type: 'tick', bytes: 3, payload: 'undecodable' },
  { kind: 'event', t: 6, sub: 8, id: '', type: 'message', bytes: 0, seq: 0, topic: '', publishedAt: 0 },
  { kind: 'heartbeat', t: 6.5, sub: 8 },
  { kind: 'close', t: 7, sub: 7, reason: 'error', detail: 'ECONNRESET' },
];

describe('BatchRecorder and appendBatch', () => {
  it('round-trips every kind, every optional field and the order', () => {
    const rec = new BatchRecorder();
    for (const r of records) rec.append(r);
    expect(rec.size).toBe(records.length);
    const batch = rec.take();
    expect(batchSize(batch)).toBe(records.length);
    const h = new History();
    appendBatch(h, structuredClone(batch)); // as it arrives over IPC
    expect([...h]).toEqual(records);
    expect(h.count('event')).toBe(4);
    expect(h.count('heartbeat')).toBe(2);
  });

  it('starts empty after take, with its own string table per batch', () => {
    const rec = new BatchRecorder();
    rec.appendEvent(1, 1, 'id-1', 'message', 10, 1, 'a', 0.5);
    const first = rec.take();
    expect(rec.size).toBe(0);
    rec.appendEvent(2, 1, 'id-2', 'message', 10, 2, 'b', 1.5);
    const second = rec.take();
    expect(second.strings).toEqual(['id-2', 'message', 'b']);
    const h = new History();
    appendBatch(h, first);
    appendBatch(h, second);
    expect([...h].map((r) => (r.kind === 'event' ? [r.id, r.topic, r.seq] : r.kind))).toEqual([
      ['id-1', 'a', 1],
      ['id-2', 'b', 2],
    ]);
  });

  it('an empty batch appends nothing', () => {
    const h = new History();
    appendBatch(h, new BatchRecorder().take());
    expect(h.size).toBe(0);
  });
});
