/**
 * The delivery oracle (memoized per history): which acknowledged publish each subscriber had to
 * receive, what it did receive, what the target declared gone, and why each miss happened.
 *
 * Expectation: a subscriber must receive, exactly once, every publish on its topics (none = all)
 * acknowledged after its first open stream and up to the first of `workload-end` (else run end),
 * its `unsubscribe`, its `give-up`. Earlier publishes may arrive (once) or not. Only this run's
 * payloads are judged: foreign ones (another run's nonce) and undecodable ones are counted apart.
 *
 * Resets: a `reset` declares gone only what lies between that connection's resume point (the event
 * its Last-Event-ID named; if that is not one of ours, the newest event the subscriber had) and the
 * first event of each topic it received after the reset. A reset is *needless* when the target
 * declared a retention that still covered the resume point (and, across a stop, a durable log):
 * the server had the events and chose not to send them.
 *
 * Order: a publish acknowledged before another was sent must arrive first (real time); and the
 * subscribers' arrival orders must not contradict each other (order-graph.ts): the target has one
 * order. With a single publisher both reduce to seq order.
 *
 * Each silent miss is classified by what the subscriber was doing when the publish was
 * acknowledged, which is what lets a diagnosis name the cause.
 */
import type { HistoryRecord } from '../history/records.ts';
import type { CheckContext } from './context.ts';
import { connectionModel, type Connection } from './connections.ts';
import { disruptions, type Lane } from './disruptions.ts';
import { faultWindows } from './faults.ts';
import { runBounds } from './bounds.ts';
import { memo } from './memo.ts';
import { OrderGraph } from './order-graph.ts';
import { publishes } from './publishes.ts';
import { FloatBuffer } from './stats.ts';

/** The event type the workload publishes (the target sends it as the default `message`). */
const PUBLISHED_TYPE = 'message';
/** A stream that lives this long after a publish was acknowledged had every chance to carry it. */
const LIVE_MARGIN_MS = 1000;

export interface SilentGapClasses {
  live: number;
  heldBack: number;
  atSetup: number;
  noLastEventId: number;
  notReplayed: number;
  afterRestart: number;
  /**
   * Missed while away; the next stream (with a Last-Event-ID) was served by one of several instances
   * whose replay left it out: another instance than before, or a partial replay.
   */
  otherInstance: number;
  /** Acknowledged during a fault on the target's log (Redis) and received by no subscriber at all. */
  inLogFault: number;
}

export interface DeliveryAnalysis {
  expected: number;
  delivered: number;
  silentGaps: number;
  silent: SilentGapClasses;
  declaredGaps: number;
  justifiedGaps: number;
  /** Null when no retention was declared (resets cannot be judged). */
  needlessGaps: number | null;
  needlessResets: number | null;
  resets: number;
  duplicates: number;
  duplicatesOfLastEventId: number;
  replaysBeforeResumePoint: number;
  reorders: number;
  reordersRealTime: number;
  reordersInconsistent: number;
  subscribersWithLoss: number;
  subscribersNeverOpened: number;
  unacknowledgedDelivered: number;
  events: number;
  foreign: number;
  undecodable: number;
  /** Publishes acknowledged before a target stop and missed across it (silently or needlessly); null without a stop. */
  lostAcrossStop: number | null;
  /** Silent gaps per subscriber (subscribers without any are absent). */
  silentBySub: ReadonlyMap<number, number>;
  /** Acknowledgement times of publishes some subscriber expected that no subscriber ever received. */
  unreceivedAckT: readonly number[];
  /** First deliveries: arrival time, publish time, latency, class (LIVE, IN_FAULT, REPLAYED), subscriber. */
  firstArrivalT: FloatBuffer;
  firstPublishedAt: FloatBuffer;
  firstLatencyMs: FloatBuffer;
  firstClass: Uint8Array;
  /** Live events published inside a latency fault on the subscriber's leg: latency minus what was injected. */
  inFaultExcessMs: FloatBuffer;
  /** The largest latency + jitter any latency fault injected; null without one. */
  injectedMs: number | null;
}

/** A live delivery on a healthy path: published while the stream was open, no disruption touched. */
export const LIVE = 0;
/** [publishedAt, arrival] touched a disruption of the subscriber. */
export const IN_FAULT = 1;
/** Outside disruptions, but published before the delivering stream opened: a replay after a reconnect. */
export const REPLAYED = 2;

interface ResetRange {
  t: number;
  /** Exclusive lower bound (acknowledgement rank) of what it declared gone. */
  low: number;
  /** First rank received per topic after the reset (exclusive upper bound). */
  bound: Map<string, number>;
  /** undefined: no retention declared, so it cannot be judged. */
  needless: boolean | undefined;
}

interface SubState {
  counts: Uint8Array | undefined;
  conns: Connection[];
  /** Index (into conns) of the current connection, -1 before the first. */
  c: number;
  /** Per connection: resume rank (the Last-Event-ID's publish), events seen, replayed events. */
  resumeRank: (number | undefined)[];
  seenOnConn: number[];
  replayedOnConn: number[];
  /** Per connection: the newest rank it delivered (-1 for none). */
  maxRankOnConn: number[];
  maxRank: number;
  maxRankAtConnect: number;
  lastRecvT: number | undefined;
  maxSentAt: Map<string, number>;
  resets: ResetRange[];
  unacked: Set<string> | undefined;
}

export function analyzeDeliveries(records: readonly HistoryRecord[], ctx: CheckContext): DeliveryAnalysis {
  return memo(records, `deliveries:${ctx.faultSlackMs}:${ctx.setupWindowMs}:${ctx.logReconnectMs}`, () =>
    analyze(records, ctx),
  );
}

function analyze(records: readonly HistoryRecord[], ctx: CheckContext): DeliveryAnalysis {
  const pubs = publishes(records);
  const P = pubs.seq.length;
  const { subscribers, connections } = connectionModel(records, ctx);
  const dis = disruptions(records, ctx);
  const bounds = runBounds(records);
  const latencyFaults = faultWindows(records)
    .filter((w) => w.name === 'latency' && !w.error)
    .map((w) => ({
      start: w.startMs,
      end: w.endMs,
      lanes: w.leg === 'edge' || w.leg === 'edge-b' ? [w.leg] : (['edge', 'edge-b'] as Lane[]),
      injected: Number(w.params.latency ?? 0) + Number(w.params.jitter ?? 0),
    }));
  const stops: number[] = [];
  for (const r of records) {
    if (r.kind === 'target' && (r.action === 'sigterm' || r.action === 'sigkill' || r.action === 'exit')) {
      stops.push(r.t);
    }
  }
  const logFaults = logFaultWindows(records, ctx.faultSlackMs, ctx.logReconnectMs);
  const inLogFault = (t: number): boolean => logFaults.some(([a, b]) => t >= a && t <= b);

  const states = new Map<number, SubState>();
  for (const c of connections) {
    let s = states.get(c.sub);
    if (!s) {
      s = {
        counts: undefined,
        conns: [],
        c: -1,
        resumeRank: [],
        seenOnConn: [],
        replayedOnConn: [],
        maxRankOnConn: [],
        maxRank: -1,
        maxRankAtConnect: -1,
        lastRecvT: undefined,
        maxSentAt: new Map(),
        resets: [],
        unacked: undefined,
      };
      states.set(c.sub, s);
    }
    s.conns.push(c);
  }
  /** Per stop, each subscriber's newest rank at that moment (to tell a loss across a restart). */
  const rankAtStop: Map<number, number>[] = stops.map(() => new Map());
  let stopIdx = 0;

  const receivedBy = new Uint32Array(P);
  const unackedKeys = new Set<string>();
  const firstArrivalT = new FloatBuffer();
  const firstPublishedAt = new FloatBuffer();
  const firstLatencyMs = new FloatBuffer();
  const inFaultExcessMs = new FloatBuffer();
  const classes: number[] = [];
  /** First arrivals, for the consistency pass: subscriber, publish, and a real-time violation flag. */
  const delSub: number[] = [];
  const delPub: number[] = [];
  const delRealTime: boolean[] = [];
  let duplicates = 0;
  let duplicatesOfLastEventId = 0;
  let replaysBeforeResumePoint = 0;
  let events = 0;
  let foreign = 0;
  let undecodable = 0;
  let resets = 0;

  const retention = ctx.retention;
  const judgeReset = (refT: number | undefined, t: number): boolean | undefined => {
    if (!retention || (retention.events === undefined && retention.ms === undefined)) return undefined;
    if (refT === undefined) return false;
    // A target stop in between loses everything on a log that is not durable: the reset is owed.
    if (!ctx.durable && stops.some((s) => s > refT && s <= t)) return false;
    // Within every declared bound (with 10% benefit of the doubt for traffic we do not see).
    const byEvents = retention.events === undefined || pubs.ackedBetween(refT, t) <= 0.9 * retention.events;
    const byTime = retention.ms === undefined || t - refT <= 0.9 * retention.ms;
    return byEvents && byTime;
  };

  for (const r of records) {
    while (stopIdx < stops.length && r.t >= stops[stopIdx]!) {
      for (const [sub, s] of states) rankAtStop[stopIdx]!.set(sub, s.maxRank);
      stopIdx++;
    }
    if (!('sub' in r)) continue;
    const s = states.get(r.sub);
    if (!s) continue;
    switch (r.kind) {
      case 'connect': {
        s.c++;
        const pi = r.lastEventId === '' ? undefined : pubs.byId(r.lastEventId, r.t);
        s.resumeRank[s.c] = pi === undefined ? undefined : pubs.rank[pi]!;
        s.seenOnConn[s.c] = 0;
        s.replayedOnConn[s.c] = 0;
        s.maxRankOnConn[s.c] = -1;
        s.maxRankAtConnect = s.maxRank;
        break;
      }
      case 'reset': {
        resets++;
        const conn = s.conns[s.c];
        const resume = s.resumeRank[s.c];
        const low = resume ?? s.maxRankAtConnect;
        let refT: number | undefined;
        if (conn && conn.lastEventId !== '') {
          const pi = pubs.byId(conn.lastEventId, conn.connectT);
          refT = pi !== undefined ? pubs.ackT[pi]! : s.lastRecvT;
        } else refT = s.lastRecvT ?? subscribers.get(r.sub)?.firstOpenT;
        s.resets.push({ t: r.t, low, bound: new Map(), needless: judgeReset(refT, r.t) });
        break;
      }
      case 'event': {
        if (r.seq === undefined) {
          if (r.payload === 'foreign') foreign++;
          else if (r.type === PUBLISHED_TYPE) undecodable++;
          break;
        }
        events++;
        const topic = r.topic ?? '';
        const conn = s.conns[s.c];
        const firstOnConn = s.seenOnConn[s.c] === 0;
        if (s.c >= 0) s.seenOnConn[s.c]!++;
        if (conn?.responseT !== undefined && r.publishedAt !== undefined && r.publishedAt < conn.responseT) {
          s.replayedOnConn[s.c]!++;
        }
        s.lastRecvT = r.t;
        const pi = pubs.index(topic, r.seq);
        if (pi === undefined) {
          const key = `${topic}\u0000${r.seq}`;
          unackedKeys.add(key);
          s.unacked ??= new Set();
          if (s.unacked.has(key)) duplicates++;
          s.unacked.add(key);
          break;
        }
        const rank = pubs.rank[pi]!;
        for (const reset of s.resets) if (!reset.bound.has(topic)) reset.bound.set(topic, rank);
        if (firstOnConn && conn) {
          const resume = s.resumeRank[s.c];
          if (resume !== undefined && rank < resume) replaysBeforeResumePoint++;
        }
        s.counts ??= new Uint8Array(P);
        const n = s.counts[pi]!;
        if (n < 255) s.counts[pi] = n + 1;
        if (rank > s.maxRank) s.maxRank = rank;
        if (s.c >= 0 && rank > s.maxRankOnConn[s.c]!) s.maxRankOnConn[s.c] = rank;
        if (n > 0) {
          duplicates++;
          if (firstOnConn && conn && r.id === conn.lastEventId) duplicatesOfLastEventId++;
          break;
        }
        receivedBy[pi]!++;
        // Real time: an event already here that was sent after this one was acknowledged came too early.
        const sentBefore = s.maxSentAt.get(topic);
        const realTime = sentBefore !== undefined && sentBefore >= pubs.ackT[pi]!;
        if (sentBefore === undefined || pubs.sentAt[pi]! > sentBefore)
          s.maxSentAt.set(topic, pubs.sentAt[pi]!);
        delSub.push(r.sub);
        delPub.push(pi);
        delRealTime.push(realTime);
        if (r.publishedAt === undefined) break;
        const sub = subscribers.get(r.sub);
        const lane: Lane = sub?.lane ?? 'edge';
        const inFault = dis.forSub(r.sub).overlaps(Math.min(r.publishedAt, r.t), r.t);
        const replayed = conn?.responseT === undefined || r.publishedAt < conn.responseT;
        classes.push(inFault ? IN_FAULT : replayed ? REPLAYED : LIVE);
        firstArrivalT.push(r.t);
        firstPublishedAt.push(r.publishedAt);
        firstLatencyMs.push(r.t - r.publishedAt);
        if (!replayed) {
          for (const f of latencyFaults) {
            if (r.publishedAt >= f.start && r.publishedAt <= f.end && f.lanes.includes(lane)) {
              inFaultExcessMs.push(r.t - r.publishedAt - f.injected);
              break;
            }
          }
        }
        break;
      }
      default:
        break;
    }
  }

  // Consistency: the fleet's arrival orders (per subscriber and topic) must not contradict each other.
  const graph = new OrderGraph(P);
  {
    const sequences = new Map<string, number[]>();
    for (let d = 0; d < delPub.length; d++) {
      const key = `${delSub[d]}\u0000${pubs.topic[delPub[d]!]}`;
      let seq = sequences.get(key);
      if (!seq) sequences.set(key, (seq = []));
      seq.push(delPub[d]!);
    }
    for (const seq of sequences.values()) graph.addSequence(seq);
  }
  const contradicted = graph.contradicted();
  let reordersRealTime = 0;
  for (const flag of delRealTime) if (flag) reordersRealTime++;
  const reordersInconsistent = contradicted.size;
  const reorders = reordersRealTime + reordersInconsistent;

  // Expectations, subscriber by subscriber, and why each miss happened.
  const silent: SilentGapClasses = {
    live: 0,
    heldBack: 0,
    atSetup: 0,
    noLastEventId: 0,
    notReplayed: 0,
    afterRestart: 0,
    otherInstance: 0,
    inLogFault: 0,
  };
  const silentBySub = new Map<number, number>();
  const unreceived = new Set<number>();
  let expected = 0;
  let delivered = 0;
  let silentGaps = 0;
  let declaredGaps = 0;
  let justifiedGaps = 0;
  let needlessGaps = 0;
  let subscribersWithLoss = 0;
  let subscribersNeverOpened = 0;
  const lostPubs = new Set<number>();
  const defaultEnd = bounds.workloadEndT ?? bounds.endT;
  const allTopics = [...pubs.byTopic.keys()];

  for (const sub of subscribers.values()) {
    if (sub.firstOpenT === undefined) {
      subscribersNeverOpened++;
      continue;
    }
    let endT = defaultEnd;
    if (sub.unsubscribeT !== undefined) endT = Math.min(endT, sub.unsubscribeT);
    if (sub.giveUpT !== undefined) endT = Math.min(endT, sub.giveUpT);
    const s = states.get(sub.sub);
    let lossHere = 0;
    for (const topic of sub.topics.length === 0 ? allTopics : sub.topics) {
      const list = pubs.byTopic.get(topic);
      if (!list) continue;
      for (const pi of list) {
        const ackT = pubs.ackT[pi]!;
        if (ackT <= sub.firstOpenT) continue;
        if (ackT > endT) break;
        expected++;
        if (s?.counts !== undefined && s.counts[pi]! > 0) {
          delivered++;
          continue;
        }
        const rank = pubs.rank[pi]!;
        const reset = s?.resets.find(
          (x) => x.t > ackT && rank > x.low && rank < (x.bound.get(topic) ?? Number.POSITIVE_INFINITY),
        );
        const missedAcrossStop = stops.some((t, k) => t > ackT && (rankAtStop[k]!.get(sub.sub) ?? -1) < rank);
        if (reset) {
          declaredGaps++;
          if (reset.needless === true) {
            needlessGaps++;
            if (missedAcrossStop) lostPubs.add(pi);
          } else justifiedGaps++;
          continue;
        }
        silentGaps++;
        lossHere++;
        if (receivedBy[pi] === 0) unreceived.add(pi);
        if (missedAcrossStop) {
          silent.afterRestart++;
          lostPubs.add(pi);
        }
        // Nobody got it, and the log was failing when it was acknowledged: never stored, not a
        // subscriber's misfortune (an acknowledgement that came before the append was durable).
        if (receivedBy[pi] === 0 && inLogFault(ackT)) silent.inLogFault++;
        else if (s) classifySilent(s, ackT, rank, ctx.setupWindowMs, silent);
      }
    }
    if (lossHere > 0) {
      subscribersWithLoss++;
      silentBySub.set(sub.sub, lossHere);
    }
  }

  const retentionDeclared =
    retention !== undefined && (retention.events !== undefined || retention.ms !== undefined);
  let needlessResets = 0;
  for (const s of states.values()) for (const x of s.resets) if (x.needless === true) needlessResets++;
  return {
    expected,
    delivered,
    silentGaps,
    silent,
    declaredGaps,
    justifiedGaps,
    needlessGaps: retentionDeclared ? needlessGaps : null,
    needlessResets: retentionDeclared ? needlessResets : null,
    resets,
    duplicates,
    duplicatesOfLastEventId,
    replaysBeforeResumePoint,
    reorders,
    reordersRealTime,
    reordersInconsistent,
    subscribersWithLoss,
    subscribersNeverOpened,
    unacknowledgedDelivered: unackedKeys.size,
    events,
    foreign,
    undecodable,
    lostAcrossStop: stops.length > 0 ? lostPubs.size : null,
    silentBySub,
    unreceivedAckT: [...unreceived].map((pi) => pubs.ackT[pi]!).sort((a, b) => a - b),
    firstArrivalT,
    firstPublishedAt,
    firstLatencyMs,
    firstClass: Uint8Array.from(classes),
    inFaultExcessMs,
    injectedMs: latencyFaults.length ? Math.max(...latencyFaults.map((f) => f.injected)) : null,
  };
}

/** What the subscriber was doing when a publish it never got was acknowledged. */
function classifySilent(
  s: SubState,
  ackT: number,
  rank: number,
  setupWindowMs: number,
  out: SilentGapClasses,
): void {
  // The connection current at the acknowledgement: the last one that started at or before it.
  let k = -1;
  for (let i = 0; i < s.conns.length && s.conns[i]!.connectT <= ackT; i++) k = i;
  const c = k >= 0 ? s.conns[k] : undefined;
  if (c && (c.closeT === undefined || c.closeT > ackT)) {
    const openAt = c.responseT;
    if (openAt === undefined || ackT <= openAt + setupWindowMs) {
      out.atSetup++;
      return;
    }
    // Skipped on a healthy stream: it went on to deliver later events. Held back: it lived long
    // enough to carry it but delivered nothing after it (a buffer, a compressor, a stuck stream).
    if (c.open && (s.maxRankOnConn[k] ?? -1) > rank) {
      out.live++;
      return;
    }
    if (c.open && (c.closeT === undefined || c.closeT >= ackT + LIVE_MARGIN_MS)) {
      out.heldBack++;
      return;
    }
  }
  // Away (or cut right after): judged by the next stream that reached the app: one that carried
  // events or outlived its setup (an SSE error page that only says `retry:` and ends does neither).
  let before: string | undefined;
  for (let i = k; i >= 0 && before === undefined; i--) before = s.conns[i]!.instance;
  for (let i = k + 1; i < s.conns.length; i++) {
    const next = s.conns[i]!;
    if (!next.open || next.responseT === undefined) continue;
    const lived = next.closeT === undefined || next.closeT > next.responseT + setupWindowMs;
    if ((s.seenOnConn[i] ?? 0) === 0 && !lived) continue;
    const replayed = (s.replayedOnConn[i] ?? 0) > 0;
    if (next.lastEventId === '') out.noLastEventId++;
    // One of several instances replayed without it: it came back to another instance than before, or
    // got a partial replay (what that instance held, not what the shared log held).
    else if (next.instance !== undefined && (next.instance !== before || replayed)) out.otherInstance++;
    else if (!replayed) out.notReplayed++;
    return;
  }
}

/**
 * When the target's log (the stack's Redis) was failing: fault windows on the `redis` leg, Redis
 * restarts, and Redis down from stop to ready; each from `slack` before (an acknowledgement racing the
 * fault's start) to `reconnect` after (the log's clients are back within their backoff).
 */
export function logFaultWindows(
  records: readonly HistoryRecord[],
  slack: number,
  reconnect: number,
): [number, number][] {
  const out: [number, number][] = [];
  for (const w of faultWindows(records)) {
    if (w.leg === 'redis' || w.name.startsWith('redis-')) out.push([w.startMs - slack, w.endMs + reconnect]);
  }
  let down: number | undefined;
  for (const r of records) {
    if (r.kind !== 'redis') continue;
    if (r.action === 'stop' || r.action === 'exit') down ??= r.t;
    else if (r.action === 'ready' && down !== undefined) {
      out.push([down - slack, r.t + reconnect]);
      down = undefined;
    }
  }
  if (down !== undefined) out.push([down - slack, Infinity]);
  return out;
}
