/**
 * Reconnect: delays against each client profile's policy, storms and jitter after mass cuts, and
 * recovery: how long after each disruption until every subscriber still trying streams again.
 *
 * Storms are judged on the clients that obey `retry:` (the browser model and real browsers): their
 * reconnect timing is the server's doing. The backoff profile's jitter is ours and would dilute
 * the herd. Thresholds are absolute (a herd is most of them within `stormWindowMs`), never derived
 * from what the server says its jitter is.
 */
import type { ClientProfileName, HistoryRecord } from '../history/records.ts';
import { asArray, type Check } from './check.ts';
import type { CheckContext } from './context.ts';
import { connectionModel } from './connections.ts';
import { disruptions } from './disruptions.ts';
import { runBounds } from './bounds.ts';
import { percentile, percentileSorted, round3 } from './stats.ts';

const PEAK_WINDOW_MS = 1000;
/** Closes this close together are one mass cut. */
const CUT_CLUSTER_MS = 1000;
/** Profiles whose reconnect timing follows the server's `retry:`. */
const OBEYS_RETRY: ReadonlySet<ClientProfileName> = new Set(['browser', 'chromium']);

/** Max number of times in any [t, t + windowMs) window; times sorted ascending. */
export function peakInWindow(sorted: readonly number[], windowMs: number): number {
  let peak = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= windowMs) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}

/** A recorded delay breaks the policy: browser = the last applied `retry` (or the default); backoff = [0, cap]. */
function countPolicyViolations(records: readonly HistoryRecord[], ctx: CheckContext): number {
  const retryBySub = new Map<number, number>();
  const tol = ctx.policyToleranceMs;
  let violations = 0;
  for (const r of records) {
    if (r.kind === 'retry') retryBySub.set(r.sub, r.appliedMs);
    else if (r.kind === 'reconnect-wait') {
      const d = r.delayMs;
      if (!Number.isFinite(d) || d < 0) violations++;
      else if (r.profile === 'browser') {
        const want = retryBySub.get(r.sub) ?? ctx.browserDefaultRetryMs;
        if (Math.abs(d - want) > tol) violations++;
      } else if (r.profile === 'backoff' && d > ctx.backoffCapMs + tol) violations++;
    }
  }
  return violations;
}

/**
 * Mass cuts, found in the history itself: at least `spreadMinSubscribers` retry-obeying subscribers
 * whose streams closed within one second (a proxy restart, a partition, a crash, a shutdown). For
 * each, every cut subscriber's first reconnect attempt after its close. Herd: the most of them
 * within any stormWindowMs, over all of them (the worst cut). Spread: p90 - p10 of those attempts
 * (the tightest cut). Fewer than that many subscribers say nothing about jitter: not judged.
 */
function massCuts(records: readonly HistoryRecord[], ctx: CheckContext, obeying: ReadonlySet<number>) {
  const closes: { t: number; sub: number }[] = [];
  const connects = new Map<number, number[]>();
  for (const r of records) {
    if (!('sub' in r) || !obeying.has(r.sub)) continue;
    if (r.kind === 'close' && r.reason !== 'aborted') closes.push({ t: r.t, sub: r.sub });
    else if (r.kind === 'connect') {
      let list = connects.get(r.sub);
      if (!list) connects.set(r.sub, (list = []));
      list.push(r.t);
    }
  }
  closes.sort((a, b) => a.t - b.t);
  const min = Math.max(1, ctx.spreadMinSubscribers);
  let herd: number | null = null;
  let herdSubscribers: number | null = null;
  let spread: number | null = null;
  for (let i = 0; i < closes.length;) {
    let j = i;
    const subs = new Map<number, number>();
    while (j < closes.length && closes[j]!.t - closes[i]!.t <= CUT_CLUSTER_MS) {
      if (!subs.has(closes[j]!.sub)) subs.set(closes[j]!.sub, closes[j]!.t);
      j++;
    }
    if (subs.size < min) {
      i++;
      continue;
    }
    const firsts: number[] = [];
    for (const [sub, closedAt] of subs) {
      const list = connects.get(sub) ?? [];
      const next = list.find((t) => t >= closedAt);
      if (next !== undefined) firsts.push(next);
    }
    i = j;
    if (firsts.length < min) continue;
    firsts.sort((a, b) => a - b);
    const h = peakInWindow(firsts, ctx.stormWindowMs) / firsts.length;
    if (herd === null || h > herd) {
      herd = h;
      herdSubscribers = firsts.length;
    }
    const s = percentileSorted(firsts, 90)! - percentileSorted(firsts, 10)!;
    spread = spread === null ? s : Math.min(spread, s);
  }
  return { herd, herdSubscribers, spread };
}

/**
 * Connect attempts queued behind their client's connection limit: a subscriber that shares its
 * connections (a browser context: its tabs) waited at least `queueMinMs` with no response and no
 * error while the same client held other streams open to the same origin (lane), outside every
 * disruption of it. Over HTTP/1.1 a browser opens at most 6 connections per origin, so the 7th
 * EventSource waits for a socket with no error at all. Also: the longest such wait, and the most
 * streams the client held open meanwhile.
 */
function queuedAttempts(
  records: readonly HistoryRecord[],
  ctx: CheckContext,
): { count: number; maxMs: number | null; streams: number | null } {
  const { connections, subscribers } = connectionModel(records, ctx);
  const dis = disruptions(records, ctx);
  const endT = runBounds(records).endT;
  const clientOf = (sub: number): string | undefined => subscribers.get(sub)?.client;
  // Streams per client and lane, as [opened, closed) intervals.
  const streams = new Map<string, [number, number][]>();
  for (const c of connections) {
    const client = clientOf(c.sub);
    if (client === undefined || !c.open || c.responseT === undefined) continue;
    const key = `${client}\t${c.lane}`;
    let list = streams.get(key);
    if (!list) streams.set(key, (list = []));
    list.push([c.responseT, c.closeT ?? Infinity]);
  }
  let count = 0;
  let maxMs: number | null = null;
  let most: number | null = null;
  for (const c of connections) {
    const client = clientOf(c.sub);
    if (client === undefined) continue;
    const waitEnd = c.responseT ?? c.closeT ?? endT;
    const wait = waitEnd - c.connectT;
    if (wait < ctx.queueMinMs || dis.forSub(c.sub).overlaps(c.connectT, waitEnd)) continue;
    // Others' streams open at the moment the wait became a queue.
    const at = c.connectT + ctx.queueMinMs;
    const open = (streams.get(`${client}\t${c.lane}`) ?? []).filter(([a, b]) => a <= at && b > at).length;
    if (open === 0) continue;
    count++;
    maxMs = Math.max(maxMs ?? 0, wait);
    most = Math.max(most ?? 0, open);
  }
  return { count, maxMs, streams: most };
}

/** The most frequent non-200 status (ties: the lowest), null if none. */
function topStatus(statuses: Map<number, number>): number | null {
  let best: number | null = null;
  let bestCount = 0;
  for (const [status, count] of statuses) {
    if (count > bestCount || (count === bestCount && best !== null && status < best)) {
      best = status;
      bestCount = count;
    }
  }
  return best;
}

export const reconnect: Check = {
  name: 'reconnect',
  description: 'reconnect delays vs policy, storms and jitter after mass cuts, recovery time',
  run(history, ctx) {
    const records = asArray(history);
    const { subscribers } = connectionModel(records, ctx);
    const dis = disruptions(records, ctx);
    const endT = runBounds(records).endT;
    const obeying = new Set<number>();
    for (const s of subscribers.values()) if (s.profile && OBEYS_RETRY.has(s.profile)) obeying.add(s.sub);
    const attemptTimes: number[] = [];
    const delays = { browser: [] as number[], backoff: [] as number[] };
    let connects = 0;
    let waits = 0;
    let maxRetry: number | null = null;
    const gaveUp = new Set<number>();
    const connected = new Set<number>();
    const statuses = new Map<number, number>();
    let errorResponses = 0;
    for (const r of records) {
      if (r.kind === 'response' && r.status !== 200) {
        errorResponses++;
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      } else if (r.kind === 'connect') {
        connects++;
        // A subscriber's first connect is the ramp, whatever its attempt numbering (0- or 1-based).
        if (connected.has(r.sub)) attemptTimes.push(r.t);
        connected.add(r.sub);
      } else if (r.kind === 'reconnect-wait') {
        waits++;
        if (r.profile === 'browser' || r.profile === 'backoff') delays[r.profile].push(r.delayMs);
      } else if (r.kind === 'retry') maxRetry = Math.max(maxRetry ?? 0, r.appliedMs);
      else if (r.kind === 'give-up') gaveUp.add(r.sub);
    }
    attemptTimes.sort((a, b) => a - b);
    const cuts = massCuts(records, ctx, obeying);
    const queued = queuedAttempts(records, ctx);

    // Recovery: per subscriber and disruption, from the window's end to its own recovery.
    let recoveryMs: number | null = null;
    let unrecovered: number | null = null;
    const unrecoveredSubs = new Set<number>();
    for (const rec of dis.recoveries) {
      recoveryMs ??= 0;
      unrecovered ??= 0;
      if (rec.left) continue; // gave up or was stopped: judged by no-give-up, not recovery
      if (rec.recoveredAt === undefined) {
        unrecoveredSubs.add(rec.sub);
        recoveryMs = Math.max(recoveryMs, Math.max(0, endT - rec.end));
      } else recoveryMs = Math.max(recoveryMs, rec.recoveredAt - rec.end);
    }
    if (unrecovered !== null) unrecovered = unrecoveredSubs.size;

    return {
      'reconnect.connects': connects,
      'reconnect.attempts': attemptTimes.length,
      'reconnect.peakPerSec': peakInWindow(attemptTimes, PEAK_WINDOW_MS),
      'reconnect.herdFraction': round3(cuts.herd),
      'reconnect.herdSubscribers': cuts.herdSubscribers,
      'reconnect.spreadMs': round3(cuts.spread),
      'reconnect.errorResponses': errorResponses,
      'reconnect.topErrorStatus': topStatus(statuses),
      'reconnect.policyViolations': countPolicyViolations(records, ctx),
      'reconnect.waits': waits,
      'reconnect.recoveryMs': round3(recoveryMs),
      'reconnect.unrecovered': unrecovered,
      'reconnect.gaveUp': gaveUp.size,
      'reconnect.maxRetryHintMs': maxRetry,
      'reconnect.delayP50.browser': round3(percentile(delays.browser, 50)),
      'reconnect.delayP50.backoff': round3(percentile(delays.backoff, 50)),
      'reconnect.queuedAttempts': queued.count,
      'reconnect.queuedMaxMs': round3(queued.maxMs),
      'reconnect.queuedBehindStreams': queued.streams,
    };
  },
};
