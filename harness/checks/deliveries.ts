/**
 * The shared delivery analysis (memoized per history): which acknowledged publish each subscriber
 * should have received, what it did receive, and every first delivery's latency. The delivery,
 * latency and shutdown checks and the series all read from it.
 *
 * Expectation rule: a subscriber must receive, exactly once and in seq order per topic, every
 * publish on a topic it subscribed to (no topics = all) acknowledged after its first 200 response
 * and up to the first of: `workload-end` (else run end), its `unsubscribe`, its `give-up`.
 * A publish is identified by (topic, seq). A miss is *declared* when a `reset` on that subscriber
 * came after the publish was acknowledged and the subscriber's first event on that topic after the
 * reset has a higher seq (or there was none): the server said "events before X are gone".
 */
import type { HistoryRecord } from '../history/records.ts';
import type { CheckContext } from './context.ts';
import { connectionModel, isEventStream, type Subscriber } from './connections.ts';
import { disruptions } from './disruptions.ts';
import { runBounds } from './bounds.ts';
import { memo } from './memo.ts';
import { FloatBuffer } from './stats.ts';

export interface DeliveryAnalysis {
  expected: number;
  delivered: number;
  silentGaps: number;
  declaredGaps: number;
  duplicates: number;
  reorders: number;
  subscribersWithLoss: number;
  /** Silent gaps acknowledged while the subscriber was between streams and then reconnected with no Last-Event-ID. */
  silentGapsNoLastEventId: number;
  subscribersNeverOpened: number;
  unacknowledgedDelivered: number;
  /** Event records that carried a seq (all deliveries, duplicates included). */
  events: number;
  /** Acknowledged publishes expected by someone, received by nobody, and not declared gone for all. */
  lostEverywhere: number;
  /** First deliveries: arrival time, latency (t - publishedAt), and its class (LIVE, IN_FAULT, REPLAYED). */
  firstArrivalT: FloatBuffer;
  firstLatencyMs: FloatBuffer;
  firstClass: Uint8Array;
}

/** A live delivery on a healthy path: published while the stream was open, no disruption touched. */
export const LIVE = 0;
/** [publishedAt, arrival] touched a disruption of the subscriber's lane. */
export const IN_FAULT = 1;
/** Outside disruptions, but published before the delivering stream opened: a replay after a reconnect. */
export const REPLAYED = 2;

interface Reset {
  t: number;
  /** First seq received on each topic after the reset. */
  bound: Map<string, number>;
}

interface SubState {
  counts: Uint8Array | undefined;
  maxSeq: Map<string, number>;
  resets: Reset[];
  /** (topic, seq) of events with no publish record, for duplicate detection. */
  unacked: Set<string> | undefined;
}

interface Publishes {
  topic: string[];
  seq: number[];
  ackT: number[];
  byKey: Map<string, Map<number, number>>;
  /** Per topic, publish indexes sorted by ack time. */
  byTopic: Map<string, number[]>;
}

function collectPublishes(records: readonly HistoryRecord[]): Publishes {
  const p: Publishes = { topic: [], seq: [], ackT: [], byKey: new Map(), byTopic: new Map() };
  for (const r of records) {
    if (r.kind !== 'publish') continue;
    let seqs = p.byKey.get(r.topic);
    if (!seqs) {
      seqs = new Map();
      p.byKey.set(r.topic, seqs);
      p.byTopic.set(r.topic, []);
    }
    if (seqs.has(r.seq)) continue; // a repeated acknowledgement of one publish counts once
    const i = p.seq.length;
    seqs.set(r.seq, i);
    p.topic.push(r.topic);
    p.seq.push(r.seq);
    p.ackT.push(r.t);
    p.byTopic.get(r.topic)!.push(i);
  }
  for (const list of p.byTopic.values()) list.sort((a, b) => p.ackT[a]! - p.ackT[b]!);
  return p;
}

/** First index in `list` whose ack time is > t. */
function firstAckedAfter(list: readonly number[], ackT: readonly number[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ackT[list[mid]!]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function analyzeDeliveries(records: readonly HistoryRecord[], ctx: CheckContext): DeliveryAnalysis {
  return memo(records, `deliveries:${ctx.faultSettleMs}`, () => analyze(records, ctx));
}

function analyze(records: readonly HistoryRecord[], ctx: CheckContext): DeliveryAnalysis {
  const pubs = collectPublishes(records);
  const P = pubs.seq.length;
  const { subscribers } = connectionModel(records, ctx);
  const dis = disruptions(records, ctx);
  const bounds = runBounds(records);
  const receivedBy = new Uint32Array(P);
  const states = new Map<number, SubState>();
  const unackedKeys = new Set<string>();
  const firstArrivalT = new FloatBuffer();
  const firstLatencyMs = new FloatBuffer();
  const classes: number[] = [];
  const openT = new Map<number, number>();
  /** Per subscriber: connect times and whether each sent no Last-Event-ID. */
  const connects = new Map<number, { t: number[]; noId: boolean[] }>();
  let duplicates = 0;
  let reorders = 0;
  let events = 0;

  const stateOf = (sub: number): SubState => {
    let s = states.get(sub);
    if (!s) {
      s = { counts: undefined, maxSeq: new Map(), resets: [], unacked: undefined };
      states.set(sub, s);
    }
    return s;
  };

  for (const r of records) {
    if (r.kind === 'reset') {
      stateOf(r.sub).resets.push({ t: r.t, bound: new Map() });
      continue;
    }
    if (r.kind === 'connect') {
      openT.delete(r.sub);
      let c = connects.get(r.sub);
      if (!c) connects.set(r.sub, (c = { t: [], noId: [] }));
      c.t.push(r.t);
      c.noId.push(r.lastEventId === '');
      continue;
    }
    if (r.kind === 'response') {
      if (isEventStream(r.status, r.contentType)) openT.set(r.sub, r.t);
      continue;
    }
    if (r.kind === 'close') {
      openT.delete(r.sub);
      continue;
    }
    if (r.kind !== 'event' || r.seq === undefined) continue;
    events++;
    const s = stateOf(r.sub);
    const topic = r.topic ?? '';
    for (const reset of s.resets) if (!reset.bound.has(topic)) reset.bound.set(topic, r.seq);
    const pi = pubs.byKey.get(topic)?.get(r.seq);
    let first: boolean;
    if (pi === undefined) {
      const key = `${topic}\u0000${r.seq}`;
      unackedKeys.add(key);
      s.unacked ??= new Set();
      first = !s.unacked.has(key);
      s.unacked.add(key);
    } else {
      s.counts ??= new Uint8Array(P);
      const n = s.counts[pi]!;
      first = n === 0;
      if (n < 255) s.counts[pi] = n + 1;
      if (first) receivedBy[pi]!++;
    }
    const maxSeq = s.maxSeq.get(topic);
    if (!first) duplicates++;
    else if (maxSeq !== undefined && r.seq < maxSeq) reorders++;
    if (maxSeq === undefined || r.seq > maxSeq) s.maxSeq.set(topic, r.seq);
    if (first && r.publishedAt !== undefined) {
      firstArrivalT.push(r.t);
      firstLatencyMs.push(r.t - r.publishedAt);
      const lane = subscribers.get(r.sub)?.lane ?? 'edge';
      const since = openT.get(r.sub);
      classes.push(
        dis.forLane(lane).overlaps(Math.min(r.publishedAt, r.t), r.t)
          ? IN_FAULT
          : since === undefined || r.publishedAt < since
            ? REPLAYED
            : LIVE,
      );
    }
  }

  // Expectations, subscriber by subscriber.
  const expectedBy = new Uint32Array(P);
  const silentBy = new Uint32Array(P);
  let expected = 0;
  let delivered = 0;
  let silentGaps = 0;
  let declaredGaps = 0;
  let subscribersWithLoss = 0;
  let silentGapsNoLastEventId = 0;
  let subscribersNeverOpened = 0;
  const defaultEnd = bounds.workloadEndT ?? bounds.endT;
  const allTopics = [...pubs.byTopic.keys()];

  for (const sub of subscribers.values()) {
    if (sub.firstOpenT === undefined) {
      subscribersNeverOpened++;
      continue;
    }
    const endT = expectationEnd(sub, defaultEnd);
    const s = states.get(sub.sub);
    let silentHere = 0;
    for (const topic of sub.topics.length === 0 ? allTopics : sub.topics) {
      const list = pubs.byTopic.get(topic);
      if (!list) continue;
      for (let k = firstAckedAfter(list, pubs.ackT, sub.firstOpenT); k < list.length; k++) {
        const pi = list[k]!;
        const ackT = pubs.ackT[pi]!;
        if (ackT > endT) break;
        expected++;
        expectedBy[pi]!++;
        if (s?.counts !== undefined && s.counts[pi]! > 0) delivered++;
        else if (s !== undefined && declaredGone(s.resets, topic, pubs.seq[pi]!, ackT)) declaredGaps++;
        else {
          silentGaps++;
          silentHere++;
          silentBy[pi]!++;
          if (nextConnectHasNoId(connects.get(sub.sub), ackT)) silentGapsNoLastEventId++;
        }
      }
    }
    if (silentHere > 0) subscribersWithLoss++;
  }

  let lostEverywhere = 0;
  for (let pi = 0; pi < P; pi++) {
    if (expectedBy[pi]! > 0 && receivedBy[pi] === 0 && silentBy[pi]! > 0) lostEverywhere++;
  }

  return {
    expected,
    delivered,
    silentGaps,
    declaredGaps,
    duplicates,
    reorders,
    subscribersWithLoss,
    silentGapsNoLastEventId,
    subscribersNeverOpened,
    unacknowledgedDelivered: unackedKeys.size,
    events,
    lostEverywhere,
    firstArrivalT,
    firstLatencyMs,
    firstClass: Uint8Array.from(classes),
  };
}

function expectationEnd(sub: Subscriber, defaultEnd: number): number {
  let end = defaultEnd;
  if (sub.unsubscribeT !== undefined) end = Math.min(end, sub.unsubscribeT);
  if (sub.giveUpT !== undefined) end = Math.min(end, sub.giveUpT);
  return end;
}

/** True if the subscriber's first connect after `t` sent no Last-Event-ID (it could not resume). */
function nextConnectHasNoId(c: { t: number[]; noId: boolean[] } | undefined, t: number): boolean {
  if (!c) return false;
  let lo = 0;
  let hi = c.t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c.t[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo < c.t.length && c.noId[lo]!;
}

function declaredGone(resets: readonly Reset[], topic: string, seq: number, ackT: number): boolean {
  for (const r of resets) {
    if (r.t <= ackT) continue;
    const bound = r.bound.get(topic);
    if (bound === undefined || seq < bound) return true;
  }
  return false;
}
