/**
 * How long a client waits before reconnecting, per client profile. Pure functions: the subscriber
 * asks, records the answer (`reconnect-wait`), and checks judge the recorded delays.
 */
import type { Random } from './random.ts';

/** setTimeout fires after 1 ms for anything above this (a reconnect storm): never pass more. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Bounds applied to a server's `retry:` value. */
export interface RetryClamp {
  /** Smallest reconnection time accepted (default 0: browsers accept `retry: 0`). */
  floorMs: number;
  /** Largest reconnection time accepted (default and upper limit 2^31-1). */
  ceilingMs: number;
}

export const DEFAULT_RETRY_CLAMP: RetryClamp = { floorMs: 0, ceilingMs: MAX_TIMER_MS };

/** The reconnection time actually used for a `retry:` value as sent. */
export function clampRetry(ms: number, clamp: RetryClamp = DEFAULT_RETRY_CLAMP): number {
  const ceiling = Math.min(clamp.ceilingMs, MAX_TIMER_MS);
  if (!Number.isFinite(ms) || ms > ceiling) return ceiling;
  return Math.max(clamp.floorMs, Math.min(ms, ceiling));
}

/** The `browser` profile: a fixed reconnection time, set by `retry:` (Chrome's default 3000 ms). */
export const BROWSER_DEFAULT_RETRY_MS = 3000;

/** The `backoff` profile: capped exponential backoff with full jitter. */
export interface BackoffPolicy {
  /** Upper bound of the first wait. */
  baseMs: number;
  /** No wait is ever longer than this. */
  capMs: number;
  /** A connection that streamed at least this long resets the exponent to zero. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000, resetAfterMs: 30_000 };

/** The interval a wait after `failures` consecutive failures (0 = first) is drawn from: [0, max). */
export function backoffCeiling(failures: number, policy: BackoffPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures, 52), MAX_TIMER_MS);
}

/** Full jitter ("Exponential Backoff and Jitter", AWS): uniform in [0, min(cap, base * 2^n)). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: Random): number {
  return Math.floor(random() * backoffCeiling(failures, policy));
}

/** Checks a policy, with a message that says which value is wrong. */
export function validateBackoff(p: BackoffPolicy): BackoffPolicy {
  if (!(p.baseMs > 0)) throw new RangeError(`backoff baseMs must be > 0, got ${p.baseMs}`);
  if (!(p.capMs >= p.baseMs))
    throw new RangeError(`backoff capMs (${p.capMs}) must be >= baseMs (${p.baseMs})`);
  if (!(p.resetAfterMs >= 0))
    throw new RangeError(`backoff resetAfterMs must be >= 0, got ${p.resetAfterMs}`);
  return p;
}
