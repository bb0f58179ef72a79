/**
 * Reconnect: delays against each client profile's policy, storms (peak reconnect attempts per
 * second across the fleet), the spread of a mass reconnect (jitter at work), and recovery: how long
 * after the last disruption until every subscriber still trying is streaming again.
 */
import type { ClientProfileName, HistoryRecord } from '../history/records.ts';
import { asArray, type Check } from './check.ts';
import type { CheckContext } from './context.ts';
import { connectionModel, isEventStream } from './connections.ts';
import { disruptions } from './disruptions.ts';
import { runBounds } from './bounds.ts';
import { percentile, percentileSorted, round3 } from './stats.ts';

const STORM_WINDOW_MS = 1000;

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

/** Max number of distinct subscribers with an attempt in any [t, t + windowMs) window; sorted by t. */
export function peakDistinctInWindow(
  sorted: readonly { t: number; sub: number }[],
  windowMs: number,
): number {
  const inWindow = new Map<number, number>();
  let peak = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]!.t - sorted[lo]!.t >= windowMs) {
      const sub = sorted[lo++]!.sub;
      const n = inWindow.get(sub)! - 1;
      if (n === 0) inWindow.delete(sub);
      else inWindow.set(sub, n);
    }
    const sub = sorted[hi]!.sub;
    inWindow.set(sub, (inWindow.get(sub) ?? 0) + 1);
    peak = Math.max(peak, inWindow.size);
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
      } else if (d > ctx.backoff.maxMs + tol) violations++;
    }
  }
  return violations;
}

/** After the last disruption ends: per subscriber, when it next has an open stream that carries bytes. */
function recovery(
  records: readonly HistoryRecord[],
  ctx: CheckContext,
): { recoveryMs: number | null; unrecovered: number | null } {
  const endT = disruptions(records, ctx).lastEndT;
  if (endT === undefined) return { recoveryMs: null, unrecovered: null };
  const { subscribers } = connectionModel(records, ctx);
  const runEnd = runBounds(records).endT;
  // Current open stream's response time per subscriber, and the recovery time once known.
  const openSince = new Map<number, number>();
  const recoveredAt = new Map<number, number>();
  for (const r of records) {
    if (!('sub' in r)) continue;
    if (r.kind === 'response') {
      if (isEventStream(r.status, r.contentType)) openSince.set(r.sub, r.t);
      else openSince.delete(r.sub);
    } else if (r.kind === 'close' || r.kind === 'connect') openSince.delete(r.sub);
    else if (
      (r.kind === 'event' || r.kind === 'heartbeat' || r.kind === 'retry' || r.kind === 'first-byte') &&
      r.t >= endT &&
      !recoveredAt.has(r.sub)
    ) {
      const since = openSince.get(r.sub);
      if (since !== undefined) recoveredAt.set(r.sub, Math.max(endT, since));
    }
  }
  let worst = 0;
  let unrecovered = 0;
  for (const s of subscribers.values()) {
    if (s.joinT > endT) continue; // joined after the fault: that is the ramp, not a recovery
    if (s.giveUpT !== undefined || (s.unsubscribeT !== undefined && s.unsubscribeT <= endT)) continue;
    const at = recoveredAt.get(s.sub);
    if (at === undefined || (s.unsubscribeT !== undefined && at > s.unsubscribeT)) {
      unrecovered++;
      worst = Math.max(worst, Math.max(0, runEnd - endT));
    } else worst = Math.max(worst, at - endT);
  }
  return { recoveryMs: worst, unrecovered };
}

/**
 * Spread (p90 - p10) of each subscriber's first reconnect attempt after a mass cut (a fault window
 * ending, a target SIGTERM/SIGKILL), before the next such anchor; the smallest spread over anchors
 * that at least `spreadMinSubscribers` subscribers reconnected after.
 */
function spread(
  records: readonly HistoryRecord[],
  ctx: CheckContext,
  attempts: { t: number; sub: number }[],
) {
  const anchors: number[] = [];
  for (const r of records) {
    if (r.kind === 'fault-end') anchors.push(r.t);
    else if (r.kind === 'target' && (r.action === 'sigterm' || r.action === 'sigkill')) anchors.push(r.t);
  }
  anchors.sort((a, b) => a - b);
  let best: number | null = null;
  for (let i = 0; i < anchors.length; i++) {
    const from = anchors[i]!;
    const to = anchors[i + 1] ?? Infinity;
    let k = lowerBound(attempts, from);
    const seen = new Set<number>();
    const delays: number[] = [];
    for (; k < attempts.length && attempts[k]!.t < to; k++) {
      const a = attempts[k]!;
      if (seen.has(a.sub)) continue;
      seen.add(a.sub);
      delays.push(a.t - from);
    }
    if (delays.length < Math.max(1, ctx.spreadMinSubscribers)) continue;
    delays.sort((a, b) => a - b);
    const s = percentileSorted(delays, 90)! - percentileSorted(delays, 10)!;
    best = best === null ? s : Math.min(best, s);
  }
  return best;
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

function lowerBound(sorted: readonly { t: number }[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const reconnect: Check = {
  name: 'reconnect',
  description: 'reconnect delays vs policy, storms, jitter spread and recovery time',
  run(history, ctx) {
    const records = asArray(history);
    const { subscribers } = connectionModel(records, ctx);
    const attempts: { t: number; sub: number }[] = [];
    const delays: Record<ClientProfileName, number[]> = { browser: [], backoff: [], chromium: [] };
    let connects = 0;
    const gaveUp = new Set<number>();
    const connected = new Set<number>();
    const statuses = new Map<number, number>();
    let errorResponses = 0;
    for (const r of records) {
      if (r.kind === 'response' && r.status !== 200) {
        errorResponses++;
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
      if (r.kind === 'connect') {
        connects++;
        // A subscriber's first connect is the ramp, whatever its attempt numbering (0- or 1-based).
        if (connected.has(r.sub)) attempts.push({ t: r.t, sub: r.sub });
        connected.add(r.sub);
      } else if (r.kind === 'reconnect-wait') delays[r.profile]?.push(r.delayMs);
      else if (r.kind === 'give-up') gaveUp.add(r.sub);
    }
    attempts.sort((a, b) => a.t - b.t);
    const peak = peakInWindow(
      attempts.map((a) => a.t),
      STORM_WINDOW_MS,
    );
    const peakSubscribers = peakDistinctInWindow(attempts, STORM_WINDOW_MS);
    const herd = peakDistinctInWindow(attempts, ctx.stormWindowMs);
    const fleet = subscribers.size;
    const { recoveryMs, unrecovered } = recovery(records, ctx);
    return {
      'reconnect.connects': connects,
      'reconnect.attempts': attempts.length,
      'reconnect.peakPerSec': peak,
      'reconnect.peakSubscribersPerSec': peakSubscribers,
      'reconnect.peakPerSecPerSubscriber': fleet > 0 ? round3(peakSubscribers / fleet) : null,
      'reconnect.herdFraction': fleet > 0 ? round3(herd / fleet) : null,
      'reconnect.errorResponses': errorResponses,
      'reconnect.topErrorStatus': topStatus(statuses),
      'reconnect.policyViolations': countPolicyViolations(records, ctx),
      'reconnect.recoveryMs': round3(recoveryMs),
      'reconnect.unrecovered': unrecovered,
      'reconnect.gaveUp': gaveUp.size,
      'reconnect.delayP50.browser': round3(percentile(delays.browser, 50)),
      'reconnect.delayP50.backoff': round3(percentile(delays.backoff, 50)),
      'reconnect.spreadMs': round3(spread(records, ctx, attempts)),
    };
  },
};
