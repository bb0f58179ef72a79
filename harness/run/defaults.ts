/**
 * Every default of a scenario, in one place: the suite is time-compressed (a 1 s heartbeat, retry
 * 1 s + up to 1 s of jitter, a few seconds of workload), so the whole default suite runs in about
 * two minutes while keeping real ratios between heartbeat, retry, watchdog and proxy timeouts.
 *
 * The scenario schema (scenario.ts) fills its defaults from here, the plan (plan.ts) applies the
 * reference server's defaults from here, and the docs (scenarios/README.md) quote these numbers;
 * a test keeps them in agreement.
 */
export const SCENARIO_DEFAULTS = Object.freeze({
  /** The reference server's options when a scenario runs against it (each maps to a flag). */
  server: Object.freeze({
    heartbeatMs: 1000,
    retryMs: 1000,
    retryJitterMs: 1000,
    log: 'memory' as 'memory' | 'file' | 'redis',
    logRetention: 10_000,
    graceMs: 1500,
  }),
  workload: Object.freeze({
    ratePerSec: 40,
    durationMs: 5000,
    payloadBytes: 200,
    topics: ['t1'],
    publishers: 1,
  }),
  fleet: Object.freeze({
    count: 40,
    profiles: Object.freeze({ browser: 0.5, backoff: 0.5 }),
    rampMs: 300,
    /** The idle watchdog cuts a stream after this many declared heartbeat intervals of silence. */
    watchdogMultiple: 3,
    /** The `backoff` profile: capped exponential backoff with full jitter. */
    backoff: Object.freeze({ baseMs: 1000, capMs: 2000 }),
  }),
  /** Upper bound on the drain after the workload (subscribers catching up). */
  drainMs: 3000,
  /** Extra ms between the fleet being connected and the workload start. */
  settleMs: 300,
});

/** What the harness assumes of every browser (Chrome's default reconnection time). */
export const BROWSER_DEFAULT_RETRY_MS = 3000;

/**
 * Judged windows: after every fault the workload goes on long enough for every subscriber to come
 * back (its longest reconnect wait plus a heartbeat) and then for this long, so recovery is proven on
 * live events, not assumed.
 */
export const MIN_JUDGED_WINDOW_MS = 1500;
/** A target restart (exit, boot, readiness) is allowed this long when planning the workload. */
export const RESTART_ALLOWANCE_MS = 3000;
/** Evidence floors: live deliveries per judged window, and the share of publishes acknowledged. */
export const MIN_WINDOW_EVENTS = 10;
export const MIN_ACKNOWLEDGED_SHARE = 0.25;
/** Overflowing a declared retention: this many times the retention, within at most this long. */
export const OVERFLOW_FACTOR = 1.25;
export const MAX_OVERFLOW_OUTAGE_MS = 15_000;
/** The fastest the workload publishes to overflow a retention (sequential publishers share it). */
export const MAX_OVERFLOW_RATE_PER_SEC = 600;
