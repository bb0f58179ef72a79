/**
 * Merging shards' histories: clocks placed by the events the shards exchanged (within the stated
 * bound), latency kept only where one clock measured both ends, one set of landmarks for the run.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../harness/history/records.ts';
import {
  estimateOffsets,
  mergeShardHistories,
  oneWayDelays,
  ShardMergeError,
} from '../../harness/run/shard-merge.ts';

/**
 * A shard whose clock started `startAbs` ms after shard 0's (true time = t + startAbs), with one
 * subscriber, publishing seqs `mine` at the true times given, and receiving every publish of `all`
 * `latency(seq)` ms after it was published.
 */
function shard(
  index: number,
  startAbs: number,
  mine: Map<number, number>,
  all: Map<number, { at: number; by: number; start: number }>,
  latency: (seq: number, to: number) => number,
  workload: [number, number],
): HistoryRecord[] {
  const local = (abs: number) => abs - startAbs;
  const r: HistoryRecord[] = [
    { kind: 'run-start', t: 0, wallClock: new Date(1_700_000_000_000 + startAbs).toISOString(), run: 'x-s' },
    { kind: 'subscriber', t: local(startAbs + 5), sub: index, profile: 'browser', topics: [], lane: 'edge' },
    { kind: 'connect', t: local(startAbs + 6), sub: index, attempt: 1, lastEventId: '' },
    {
      kind: 'response',
      t: local(startAbs + 7),
      sub: index,
      status: 200,
      contentType: 'text/event-stream',
      headersMs: 1,
    },
    { kind: 'phase', t: local(workload[0]), phase: 'workload-start' },
  ];
  for (const [seq, at] of mine) {
    r.push({ kind: 'publish', t: local(at + 1), seq, topic: 'a', id: `id-${seq}`, sentAt: local(at) });
  }
  for (const [seq, p] of [...all].sort((a, b) => a[1].at - b[1].at)) {
    const arrival = p.at + latency(seq, index);
    r.push({
      kind: 'event',
      t: local(arrival),
      sub: index,
      id: `id-${seq}`,
      type: 'message',
      bytes: 80,
      seq,
      topic: 'a',
      publishedAt: p.at - p.start, // the publisher's own clock, as its payload says
    });
  }
  r.push({ kind: 'phase', t: local(workload[1]), phase: 'workload-end' });
  r.push({ kind: 'unsubscribe', t: local(workload[1] + 500), sub: index });
  r.push({ kind: 'run-end', t: local(workload[1] + 600) });
  return r.sort((a, b) => a.t - b.t);
}

/**
 * Two shards, shard 1's clock starting 2,345.5 ms after shard 0's, alternate publishes every 100 ms;
 * workloads 3,000..9,200 and 3,500..9,500 ms in true time.
 */
function twoShards(lat: (seq: number, to: number) => number) {
  const starts = [0, 2345.5];
  const all = new Map<number, { at: number; by: number; start: number }>();
  for (let seq = 1; seq <= 60; seq++) {
    const by = seq % 2;
    all.set(seq, { at: 3000 + seq * 100, by, start: starts[by]! });
  }
  const mine = (i: number) => new Map([...all].filter(([, p]) => p.by === i).map(([seq, p]) => [seq, p.at]));
  return [0, 1].map((i) => ({
    index: i,
    records: shard(i, starts[i]!, mine(i), all, lat, i === 0 ? [3000, 9200] : [3500, 9500]),
  }));
}

describe('estimateOffsets', () => {
  it('finds the true offset exactly when both directions are equally fast', () => {
    const shards = twoShards(() => 3);
    const owner = new Map<string, number>();
    for (const [pos, s] of shards.entries())
      for (const r of s.records) if (r.kind === 'publish') owner.set(`a\u0000${r.seq}`, pos);
    const d = oneWayDelays(shards, owner);
    expect(d[0]![1]).toBeCloseTo(3 - 2345.5, 6);
    expect(d[1]![0]).toBeCloseTo(3 + 2345.5, 6);
    const [ref, other] = estimateOffsets(shards, owner);
    expect(ref).toEqual({ index: 0, offsetMs: 0, boundMs: 0, how: 'reference' });
    expect(other!.offsetMs).toBeCloseTo(2345.5, 6);
    expect(other!.boundMs).toBeCloseTo(3, 6);
    expect(other!.how).toBe('exchanged events');
  });

  it('stays within its bound when the two directions differ', () => {
    // 0 -> 1 takes 2 ms at best, 1 -> 0 takes 9 ms: the estimate is off by 3.5 ms, inside the 5.5 ms bound.
    const shards = twoShards((seq, to) => (to === 1 ? 2 : 9) + (seq % 5));
    const merged = mergeShardHistories(shards, { endMarginMs: 1000 });
    const o = merged.offsets[1]!;
    expect(Math.abs(o.offsetMs - 2345.5)).toBeCloseTo(3.5, 6);
    expect(Math.abs(o.offsetMs - 2345.5)).toBeLessThanOrEqual(o.boundMs!);
  });

  it('falls back to the wall clocks when nothing was exchanged both ways', () => {
    const shards = twoShards(() => 3).map((s) => ({
      ...s,
      records: s.records.filter((r) => s.index === 0 || r.kind !== 'event'),
    }));
    const merged = mergeShardHistories(shards, { endMarginMs: 1000 });
    expect(merged.offsets[1]).toMatchObject({ how: 'wall clock', boundMs: null });
    expect(merged.offsets[1]!.offsetMs).toBeCloseTo(2345, 0); // the ISO stamps' millisecond resolution
    expect(merged.notes[0]).toContain('by its wall clock');
  });
});

describe('mergeShardHistories', () => {
  it('puts every record on one timeline and keeps latency only where one clock saw both ends', () => {
    const merged = mergeShardHistories(
      twoShards(() => 3),
      { endMarginMs: 1000 },
    );
    const events = merged.records.filter((r) => r.kind === 'event');
    expect(events).toHaveLength(120);
    for (const e of events) {
      if (e.kind !== 'event') continue;
      const mine = e.seq! % 2 === e.sub;
      expect(e.publishedAt === undefined).toBe(!mine);
      if (mine) expect(e.t - e.publishedAt!).toBeCloseTo(3, 6);
    }
    // The same publish arrives at both subscribers at the same merged time (both 3 ms after it).
    const bySeq = new Map<number, number[]>();
    for (const e of events) if (e.kind === 'event') bySeq.set(e.seq!, [...(bySeq.get(e.seq!) ?? []), e.t]);
    for (const [, ts] of bySeq) expect(Math.abs(ts[0]! - ts[1]!)).toBeLessThan(1e-6);
    // Sorted, from 0, with one run-start, one run-end and one set of phases.
    for (let i = 1; i < merged.records.length; i++)
      expect(merged.records[i]!.t).toBeGreaterThanOrEqual(merged.records[i - 1]!.t);
    expect(merged.records[0]).toMatchObject({ kind: 'run-start', t: 0 });
    expect(merged.records.filter((r) => r.kind === 'run-start')).toHaveLength(1);
    expect(merged.records.filter((r) => r.kind === 'run-end')).toHaveLength(1);
    const phases = merged.records.flatMap((r) => (r.kind === 'phase' ? [[r.phase, r.t]] : []));
    // Shard 1 starts its workload last (3,500 ms); shard 0 ends first (9,200 ms), less the margin.
    expect(phases).toEqual([
      ['workload-start', 3500],
      ['workload-end', 9200 - 1000],
    ]);
    expect(merged.window).toEqual({ start: 3500, end: 8200 });
    // Publishes keep their send times on the merged clock.
    const p = merged.records.find((r) => r.kind === 'publish' && r.seq === 1);
    expect(p).toMatchObject({ sentAt: 3100, t: 3101 });
  });

  it('refuses shards that did not run together, or did not split one schedule', () => {
    const apart = twoShards(() => 3);
    expect(() => mergeShardHistories(apart, { endMarginMs: 10_000 })).toThrow(ShardMergeError);
    expect(() => mergeShardHistories(apart, { endMarginMs: 10_000 })).toThrow(
      /did not overlap by more than 10000 ms/,
    );
    const same = [apart[0]!, { ...apart[0]!, index: 1 }];
    expect(() => mergeShardHistories(same, { endMarginMs: 1000 })).toThrow(/made by shard 0 and shard 1/);
    expect(() => mergeShardHistories([apart[0]!, apart[0]!], { endMarginMs: 1000 })).toThrow(/given twice/);
    const unfinished = [
      apart[0]!,
      { index: 1, records: apart[1]!.records.filter((r) => r.kind !== 'phase') },
    ];
    expect(() => mergeShardHistories(unfinished, { endMarginMs: 1000 })).toThrow(
      /shard 1 has no complete workload/,
    );
  });
});
