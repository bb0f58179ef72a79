/**
 * What a check must know about the scenario but cannot read from the history: the intended
 * heartbeat cadence, retry hints, the client backoff policy, the watchdog and the shutdown grace.
 * Everything that happened (faults, subscribers, publishes, phases) comes from the records.
 */

export interface BackoffPolicy {
  /** First delay bound after a failure. */
  initialMs: number;
  /** Cap on any delay. */
  maxMs: number;
  multiplier: number;
  /** Full jitter: each delay is uniform in [0, bound]. */
  fullJitter: boolean;
}

export interface CheckContext {
  /** The target's heartbeat interval (comment lines). */
  heartbeatMs: number;
  /** The target's `retry:` base and the per-connection jitter window added to it. */
  retryMs: number;
  retryJitterMs: number;
  /** The browser profile's reconnection time before any `retry:` arrives (Chrome: 3000). */
  browserDefaultRetryMs: number;
  backoff: BackoffPolicy;
  /** The client's idle watchdog: no byte for this long means the stream is dead. */
  watchdogMs: number;
  /** The target's shutdown grace period (streams must end within it after SIGTERM). */
  graceMs: number;
  /** Time-series bucket size. */
  bucketMs: number;
  /** Slack added after each fault window: closes and delays caused by undoing a fault land shortly after it. */
  faultSettleMs: number;
  /** Tolerance when comparing a recorded reconnect delay to the policy (timer rounding). */
  policyToleranceMs: number;
  /** Events arriving within this of the previous one on a connection form a burst. */
  burstWindowMs: number;
  /**
   * The herd window: a storm is much of the fleet reconnecting within this long. Unless given, a fifth
   * of the smallest jitter window (retry jitter, first backoff ceiling), at least 20 ms: jittered
   * clients put ~20% of the fleet in it, an unjittered herd ~100%.
   */
  stormWindowMs: number;
  /** A mass reconnect counts for `reconnect.spreadMs` only with at least this many subscribers. */
  spreadMinSubscribers: number;
}

/** Time-compressed defaults: the suite's scenarios run with a ~1 s heartbeat. */
export const DEFAULT_CHECK_CONTEXT: Readonly<CheckContext> = Object.freeze({
  heartbeatMs: 1000,
  retryMs: 1000,
  retryJitterMs: 1000,
  browserDefaultRetryMs: 3000,
  backoff: Object.freeze({ initialMs: 250, maxMs: 5000, multiplier: 2, fullJitter: true }),
  watchdogMs: 3000,
  graceMs: 5000,
  bucketMs: 250,
  faultSettleMs: 500,
  policyToleranceMs: 5,
  burstWindowMs: 5,
  stormWindowMs: 50, // stormWindowFor(retryJitterMs 1000, backoff.initialMs 250)
  spreadMinSubscribers: 5,
});

export type CheckContextInput = Partial<Omit<CheckContext, 'backoff'>> & { backoff?: Partial<BackoffPolicy> };

/** A fifth of the smallest jitter window, at least 20 ms. */
export function stormWindowFor(retryJitterMs: number, backoffInitialMs: number): number {
  return Math.max(20, Math.round(0.2 * Math.min(retryJitterMs, backoffInitialMs)));
}

/** Fills defaults and rejects nonsense (negative or non-finite numbers) with the field's name. */
export function checkContext(input: CheckContextInput = {}): CheckContext {
  const ctx: CheckContext = {
    ...DEFAULT_CHECK_CONTEXT,
    ...input,
    backoff: { ...DEFAULT_CHECK_CONTEXT.backoff, ...input.backoff },
  };
  if (input.stormWindowMs === undefined)
    ctx.stormWindowMs = stormWindowFor(ctx.retryJitterMs, ctx.backoff.initialMs);
  const numbers: [string, number][] = [
    ['heartbeatMs', ctx.heartbeatMs],
    ['retryMs', ctx.retryMs],
    ['retryJitterMs', ctx.retryJitterMs],
    ['browserDefaultRetryMs', ctx.browserDefaultRetryMs],
    ['backoff.initialMs', ctx.backoff.initialMs],
    ['backoff.maxMs', ctx.backoff.maxMs],
    ['backoff.multiplier', ctx.backoff.multiplier],
    ['watchdogMs', ctx.watchdogMs],
    ['graceMs', ctx.graceMs],
    ['bucketMs', ctx.bucketMs],
    ['faultSettleMs', ctx.faultSettleMs],
    ['policyToleranceMs', ctx.policyToleranceMs],
    ['burstWindowMs', ctx.burstWindowMs],
    ['stormWindowMs', ctx.stormWindowMs],
    ['spreadMinSubscribers', ctx.spreadMinSubscribers],
  ];
  for (const [name, value] of numbers) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`check context: ${name} must be a finite number >= 0, got ${String(value)}`);
    }
  }
  if (ctx.bucketMs === 0) throw new Error('check context: bucketMs must be > 0, got 0');
  if (ctx.stormWindowMs === 0) throw new Error('check context: stormWindowMs must be > 0, got 0');
  if (ctx.backoff.maxMs < ctx.backoff.initialMs) {
    throw new Error(
      `check context: backoff.maxMs (${ctx.backoff.maxMs}) must be >= backoff.initialMs (${ctx.backoff.initialMs})`,
    );
  }
  return ctx;
}
