/**
 * The acknowledged publishes of a run, indexed the ways the oracle asks (memoized per history):
 * by (topic, seq), by acknowledged id, and in acknowledgement order. Acknowledgement order is the
 * order the target committed to: with one publisher it is seq order; with several, overlapping
 * publishes may commit either way, which is why order is judged against real time, not seq.
 */
import type { HistoryRecord } from '../history/records.ts';
import { memo } from './memo.ts';

export interface Publishes {
  /** Per publish index: topic, seq, acknowledgement time, send time, acknowledged id. */
  readonly topic: readonly string[];
  readonly seq: readonly number[];
  readonly ackT: Float64Array;
  readonly sentAt: Float64Array;
  readonly id: readonly string[];
  /** Position of each publish in acknowledgement order (0 = first acknowledged). */
  readonly rank: Uint32Array;
  /** Acknowledgement times sorted ascending (for "how many were acknowledged in (a, b]"). */
  readonly ackSorted: Float64Array;
  /** Per topic, publish indexes sorted by acknowledgement time. */
  readonly byTopic: ReadonlyMap<string, readonly number[]>;
  /** Acknowledgements that repeated an id acknowledged for an earlier publish. */
  readonly repeatedIds: number;
  /** Publish attempts that were not acknowledged (publish-error records). */
  readonly failed: number;
  index(topic: string, seq: number): number | undefined;
  /** The latest publish acknowledged with `id` at or before `t`. */
  byId(id: string, t: number): number | undefined;
  /** Publishes acknowledged in (a, b]. */
  ackedBetween(a: number, b: number): number;
}

function upperBound(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function publishes(records: readonly HistoryRecord[]): Publishes {
  return memo(records, 'publishes', () => collect(records));
}

function collect(records: readonly HistoryRecord[]): Publishes {
  const topic: string[] = [];
  const seq: number[] = [];
  const ack: number[] = [];
  const sent: number[] = [];
  const ids: string[] = [];
  const byKey = new Map<string, Map<number, number>>();
  const idIndex = new Map<string, number[]>();
  let repeatedIds = 0;
  let failed = 0;
  for (const r of records) {
    if (r.kind === 'publish-error') failed++;
    if (r.kind !== 'publish') continue;
    let seqs = byKey.get(r.topic);
    if (!seqs) byKey.set(r.topic, (seqs = new Map()));
    if (seqs.has(r.seq)) continue; // a repeated acknowledgement of one publish counts once
    const i = seq.length;
    seqs.set(r.seq, i);
    topic.push(r.topic);
    seq.push(r.seq);
    ack.push(r.t);
    sent.push(r.sentAt);
    ids.push(r.id);
    const same = idIndex.get(r.id);
    if (same) {
      repeatedIds++;
      same.push(i);
    } else idIndex.set(r.id, [i]);
  }
  const n = seq.length;
  const ackT = Float64Array.from(ack);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ackT[a]! - ackT[b]! || a - b);
  const rank = new Uint32Array(n);
  order.forEach((pi, r) => (rank[pi] = r));
  const byTopic = new Map<string, number[]>();
  for (const pi of order) {
    let list = byTopic.get(topic[pi]!);
    if (!list) byTopic.set(topic[pi]!, (list = []));
    list.push(pi);
  }
  const ackSorted = Float64Array.from(order.map((pi) => ackT[pi]!));
  return {
    topic,
    seq,
    ackT,
    sentAt: Float64Array.from(sent),
    id: ids,
    rank,
    ackSorted,
    byTopic,
    repeatedIds,
    failed,
    index: (t, s) => byKey.get(t)?.get(s),
    byId(id, t) {
      const list = idIndex.get(id);
      if (!list) return undefined;
      let best: number | undefined;
      for (const pi of list) if (ackT[pi]! <= t && (best === undefined || ackT[pi]! > ackT[best]!)) best = pi;
      return best;
    },
    ackedBetween: (a, b) => Math.max(0, upperBound(ackSorted, b) - upperBound(ackSorted, a)),
  };
}
