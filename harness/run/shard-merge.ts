/**
 * One history from the histories of a run's shards (`--shard i/n` on several machines against one
 * target). Pure: records in, records and notes out, so the judge then reads the merged run like any
 * other (harness/run/judge.ts).
 *
 * Clocks. Each shard records on its own monotonic clock, and machines' clocks do not agree. The
 * shards publish through one target and each receives the others' events, so each pair measured
 * itself a one-way delay both ways: d(a->b) = latency + (b's offset from a), d(b->a) = latency -
 * that offset. The least of each, taken over every event, gives the offset as their half difference,
 * wrong by at most half their sum (the fastest deliveries' own latency, the stated bound). Shards that
 * exchanged nothing both ways fall back to their wall clocks (as good as the machines' NTP).
 *
 * Latency never depends on that alignment: an event keeps its publish time only when the shard that
 * received it published it too (one clock); events from other shards count for delivery, order and
 * duplicates, not for latency. Only subscribers' expectations and the order of publishes from
 * different shards rest on the alignment, within its bound.
 *
 * Windows. Shards start when their machines do. A subscriber is expected to hold what was published
 * after its stream opened, up to the first shard's `workload-end` less `endMarginMs` (so no subscriber
 * is expected to hold an event its shard stopped listening for before it could arrive); the merged
 * `workload-start` is the last shard's, where every shard publishes.
 */
import type { HistoryRecord, RecordOf } from '../history/records.ts';

/** A shard's history as it recorded it, on its own clock. */
export interface ShardHistory {
  index: number;
  records: readonly HistoryRecord[];
}

/** How a shard's clock was placed on the merged timeline. */
export interface ShardOffset {
  index: number;
  /** Added to the shard's times to put them on the reference shard's clock (ms). */
  offsetMs: number;
  /** The largest error of that offset (ms); null when it rests on the machines' wall clocks. */
  boundMs: number | null;
  how: 'reference' | 'exchanged events' | 'wall clock';
}

export interface MergedHistory {
  records: HistoryRecord[];
  offsets: ShardOffset[];
  /** The judged stretch of the workload on the merged clock. */
  window: { start: number; end: number };
  notes: string[];
}

/** A merge that cannot give a meaningful run: the message names what is wrong. */
export class ShardMergeError extends Error {
  override readonly name = 'ShardMergeError';
}

const key = (topic: string | undefined, seq: number): string => `${topic ?? ''}\u0000${seq}`;

interface Landmarks {
  runStart?: RecordOf<'run-start'>;
  runEnd?: number;
  workloadStart?: number;
  workloadEnd?: number;
  drained?: number;
  before?: RecordOf<'metrics'>;
  after?: RecordOf<'metrics'>;
}

function landmarks(records: readonly HistoryRecord[]): Landmarks {
  const l: Landmarks = {};
  for (const r of records) {
    if (r.kind === 'run-start') l.runStart ??= r;
    else if (r.kind === 'run-end') l.runEnd = r.t;
    else if (r.kind === 'phase') {
      if (r.phase === 'workload-start') l.workloadStart ??= r.t;
      else if (r.phase === 'workload-end') l.workloadEnd ??= r.t;
      else if (r.phase === 'drained') l.drained ??= r.t;
    } else if (r.kind === 'metrics') {
      if (r.label === 'before') l.before ??= r;
      else if (r.label === 'after') l.after = r;
    }
  }
  return l;
}

/**
 * The least one-way delay from each publishing shard to each receiving shard: `d[from][to]` over
 * events `to` received that `from` published (Infinity when none).
 */
export function oneWayDelays(
  shards: readonly ShardHistory[],
  owner: ReadonlyMap<string, number>,
): number[][] {
  const n = shards.length;
  const d = Array.from({ length: n }, () => Array<number>(n).fill(Infinity));
  for (const [to, s] of shards.entries()) {
    for (const r of s.records) {
      if (r.kind !== 'event' || r.seq === undefined || r.publishedAt === undefined) continue;
      const from = owner.get(key(r.topic, r.seq));
      if (from === undefined || from === to) continue;
      const delay = r.t - r.publishedAt;
      if (delay < d[from]![to]!) d[from]![to] = delay;
    }
  }
  return d;
}

/** Every shard's offset against shard 0's clock (see the module comment). */
export function estimateOffsets(
  shards: readonly ShardHistory[],
  owner: ReadonlyMap<string, number>,
): ShardOffset[] {
  const d = oneWayDelays(shards, owner);
  const wall = shards.map((s) => {
    const rs = landmarks(s.records).runStart;
    return rs ? Date.parse(rs.wallClock) - rs.t : NaN;
  });
  return shards.map((s, j) => {
    if (j === 0) return { index: s.index, offsetMs: 0, boundMs: 0, how: 'reference' };
    const there = d[0]![j]!;
    const back = d[j]![0]!;
    if (Number.isFinite(there) && Number.isFinite(back)) {
      return {
        index: s.index,
        offsetMs: (back - there) / 2,
        boundMs: Math.max(0, (back + there) / 2),
        how: 'exchanged events',
      };
    }
    if (!Number.isFinite(wall[0]!) || !Number.isFinite(wall[j]!))
      throw new ShardMergeError(
        `shard ${s.index} exchanged no events with shard ${shards[0]!.index} and one of them has no run-start wall clock: its clock cannot be placed`,
      );
    return { index: s.index, offsetMs: wall[j]! - wall[0]!, boundMs: null, how: 'wall clock' };
  });
}

/** The merge (see the module comment). `shards` in any order; indexes must be distinct. */
export function mergeShardHistories(
  input: readonly ShardHistory[],
  o: { endMarginMs: number },
): MergedHistory {
  if (input.length === 0) throw new ShardMergeError('no shard histories to merge');
  const shards = [...input].sort((a, b) => a.index - b.index);
  for (let i = 1; i < shards.length; i++)
    if (shards[i]!.index === shards[i - 1]!.index)
      throw new ShardMergeError(`shard ${shards[i]!.index} is given twice`);

  // Who published what: every seq is published by one shard (its slots of the shared schedule).
  const owner = new Map<string, number>();
  for (const [pos, s] of shards.entries()) {
    for (const r of s.records) {
      if (r.kind !== 'publish' && r.kind !== 'publish-error') continue;
      const k = key(r.topic, r.seq);
      const had = owner.get(k);
      if (had !== undefined && had !== pos)
        throw new ShardMergeError(
          `publish ${r.topic} #${r.seq} was made by shard ${shards[had]!.index} and shard ${s.index}: ` +
            'the shards did not split one schedule (were they given the same --shard?)',
        );
      owner.set(k, pos);
    }
  }
  const offsets = estimateOffsets(shards, owner);

  const marks = shards.map((s) => landmarks(s.records));
  for (const [pos, m] of marks.entries()) {
    if (m.workloadStart === undefined || m.workloadEnd === undefined)
      throw new ShardMergeError(
        `shard ${shards[pos]!.index} has no complete workload (it stopped before its workload ended): merge only finished shards`,
      );
  }
  const shift = (pos: number, t: number): number => t + offsets[pos]!.offsetMs;
  const start = Math.max(...marks.map((m, p) => shift(p, m.workloadStart!)));
  const firstEnd = Math.min(...marks.map((m, p) => shift(p, m.workloadEnd!)));
  const end = firstEnd - o.endMarginMs;
  if (end <= start) {
    const span = (p: number) =>
      `shard ${shards[p]!.index} ${Math.round(shift(p, marks[p]!.workloadStart!))}..${Math.round(shift(p, marks[p]!.workloadEnd!))} ms`;
    throw new ShardMergeError(
      `the shards' workloads did not overlap by more than ${o.endMarginMs} ms (${marks.map((_, p) => span(p)).join(', ')}): ` +
        'start every shard at about the same time, or give the scenario a longer workload',
    );
  }

  const out: HistoryRecord[] = [];
  for (const [pos, s] of shards.entries()) {
    const off = offsets[pos]!.offsetMs;
    for (const r of s.records) {
      switch (r.kind) {
        case 'run-start':
        case 'run-end':
        case 'phase':
        case 'metrics':
          break; // one set for the merged run, below
        case 'publish':
        case 'publish-error':
          out.push({ ...r, t: r.t + off, sentAt: r.sentAt + off });
          break;
        case 'event': {
          const e: RecordOf<'event'> = { ...r, t: r.t + off };
          if (e.publishedAt !== undefined) {
            if (e.seq !== undefined && owner.get(key(e.topic, e.seq)) === pos) e.publishedAt += off;
            else delete e.publishedAt; // another machine's clock: not a latency this merge can measure
          }
          out.push(e);
          break;
        }
        default:
          out.push({ ...r, t: r.t + off });
      }
    }
  }

  const at = <T>(pick: (m: Landmarks) => T | undefined, cmp: (a: number, b: number) => boolean) => {
    let best: { pos: number; value: T; t: number } | undefined;
    for (const [pos, m] of marks.entries()) {
      const value = pick(m);
      if (value === undefined) continue;
      const t = shift(pos, typeof value === 'number' ? value : (value as { t: number }).t);
      if (!best || cmp(t, best.t)) best = { pos, value, t };
    }
    return best;
  };
  const first = at(
    (m) => m.runStart,
    (a, b) => a < b,
  )!;
  const runStart = first.value;
  out.push({ ...runStart, t: first.t });
  out.push({ kind: 'phase', t: start, phase: 'workload-start' });
  out.push({ kind: 'phase', t: end, phase: 'workload-end' });
  const drained = at(
    (m) => m.drained,
    (a, b) => a > b,
  );
  if (drained) out.push({ kind: 'phase', t: drained.t, phase: 'drained' });
  // The target is shared: its metrics before the first shard started and after the last one left.
  const before = at(
    (m) => m.before,
    (a, b) => a < b,
  );
  if (before) out.push({ ...before.value, t: before.t });
  const after = at(
    (m) => m.after,
    (a, b) => a > b,
  );
  if (after) out.push({ ...after.value, t: after.t });
  const runEnd = at(
    (m) => m.runEnd,
    (a, b) => a > b,
  );
  out.push({ kind: 'run-end', t: runEnd?.t ?? Math.max(...out.map((r) => r.t)) });

  // One timeline from 0, in time order (a stable sort keeps each subscriber's own order).
  const origin = first.t;
  const records = out
    .map((r, i) => [r, i] as const)
    .sort((a, b) => a[0].t - b[0].t || a[1] - b[1])
    .map(([r]) => shiftRecord(r, -origin));

  return {
    records,
    offsets,
    window: { start: start - origin, end: end - origin },
    notes: mergeNotes(shards.length, offsets, o.endMarginMs),
  };
}

function shiftRecord(r: HistoryRecord, by: number): HistoryRecord {
  if (by === 0) return r;
  const moved = { ...r, t: r.t + by } as HistoryRecord;
  if (moved.kind === 'publish' || moved.kind === 'publish-error') moved.sentAt += by;
  if (moved.kind === 'event' && moved.publishedAt !== undefined) moved.publishedAt += by;
  return moved;
}

const ms = (x: number): string => `${x.toFixed(2)} ms`;

function mergeNotes(n: number, offsets: readonly ShardOffset[], marginMs: number): string[] {
  const placed = offsets
    .filter((o) => o.how !== 'reference')
    .map((o) =>
      o.how === 'wall clock'
        ? `shard ${o.index} at ${o.offsetMs >= 0 ? '+' : ''}${ms(o.offsetMs)} by its wall clock (no events exchanged both ways; as good as the machines' clock sync)`
        : `shard ${o.index} at ${o.offsetMs >= 0 ? '+' : ''}${ms(o.offsetMs)} ± ${ms(o.boundMs!)}`,
    );
  return [
    `merged ${n} shards on shard ${offsets[0]!.index}'s clock` +
      (placed.length
        ? `: ${placed.join('; ')} (from the least delay of the events each pair exchanged through the target, both ways)`
        : ''),
    'latency is measured only on events a shard published itself (one clock); events from other shards count for delivery, order and duplicates',
    `publishes acknowledged after the first shard's workload ended (less ${marginMs} ms) are not expected of anyone: that shard's subscribers were about to leave`,
  ];
}
