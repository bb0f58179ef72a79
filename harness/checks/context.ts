/**
 * What a check must know but cannot read from the history: what the target *declared* about itself
 * (heartbeat cadence, replay retention, durability), the fleet's own policies (watchdog, backoff cap,
 * the browser default retry), and the judging constants the checks own.
 *
 * Everything that happened (faults, subscribers, publishes, phases, retry hints actually sent) comes
 * from the records. Nothing here is derived from the server's own configuration except what it
 * declared, and no storm or jitter judgement uses the declarations at all.
 */

/** How much history the target declared it keeps for replay (either bound, or both). */
export interface Retention {
  /** Events kept (across all topics). */
  events?: number;
  /** How long an event is kept, ms. */
  ms?: number;
}

export interface CheckContext {
  /** The heartbeat cadence the target declared (SSE comment lines). */
  heartbeatMs: number;
  /** The replay window the target declared; undefined: resets cannot be judged. */
  retention: Retention | undefined;
  /** The target declared that acknowledged events survive a crash. */
  durable: boolean;
  /** The browser profile's reconnection time before any `retry:` (Chrome: 3000). */
  browserDefaultRetryMs: number;
  /** The backoff profile's cap: no wait may be longer. */
  backoffCapMs: number;
  /** The client's idle watchdog: no byte for this long means the stream is dead. */
  watchdogMs: number;
  /** The target's shutdown grace period (streams must end within it after SIGTERM). */
  graceMs: number;
  /** Time-series bucket size. */
  bucketMs: number;
  /** Undoing a fault closes connections just after its end: closes this close to a window belong to it. */
  faultSlackMs: number;
  /** A stream is "being set up" from its connect until this long after its response. */
  setupWindowMs: number;
  /** Tolerance when comparing a recorded reconnect delay to the policy (timer rounding). */
  policyToleranceMs: number;
  /** A stream that ended after less silence than this was not idle: no intermediary's idle timer cut it. */
  idleMinSilenceMs: number;
  /** Events arriving within this of the previous one on a connection form a burst. */
  burstWindowMs: number;
  /** The herd window: a storm is much of the retry-obeying fleet reconnecting within this long (absolute). */
  stormWindowMs: number;
  /**
   * A mass cut is judged only when at least this many retry-obeying subscribers were cut together:
   * with fewer, a uniform jitter puts more than half of them into one herd window too often (with
   * 20 and a 1 s jitter window: about once in 15,000 cuts).
   */
  spreadMinSubscribers: number;
  /**
   * A connect that waits this long with neither a response nor an error, while its client holds
   * other streams open to the same origin, is queued behind the client's connection limit. Far above
   * any real response time; a buffering proxy's delay only counts when streams share a client.
   */
  queueMinMs: number;
  /**
   * After the target's log (Redis) is back, its clients take up to this long to reconnect (ioredis's
   * backoff); an append failing then still belongs to the fault.
   */
  logReconnectMs: number;
}

/** The judging constants, owned by the checks (harness/checks/README.md says why each is what it is). */
export const JUDGING: Readonly<
  Pick<
    CheckContext,
    | 'bucketMs'
    | 'faultSlackMs'
    | 'setupWindowMs'
    | 'policyToleranceMs'
    | 'idleMinSilenceMs'
    | 'burstWindowMs'
    | 'stormWindowMs'
    | 'spreadMinSubscribers'
    | 'queueMinMs'
    | 'logReconnectMs'
  >
> = Object.freeze({
  bucketMs: 250,
  faultSlackMs: 250,
  setupWindowMs: 100,
  policyToleranceMs: 5,
  idleMinSilenceMs: 250,
  burstWindowMs: 5,
  stormWindowMs: 100,
  spreadMinSubscribers: 20,
  queueMinMs: 2000,
  logReconnectMs: 1000,
});

/** The parts a run must supply: what the target declared and the fleet's policies. */
export interface CheckContextInput extends Partial<typeof JUDGING> {
  heartbeatMs: number;
  retention?: Retention | undefined;
  durable?: boolean;
  browserDefaultRetryMs: number;
  backoffCapMs: number;
  watchdogMs: number;
  graceMs: number;
}

/** Fills the judging constants and rejects nonsense (negative or non-finite numbers) by name. */
export function checkContext(input: CheckContextInput): CheckContext {
  const ctx: CheckContext = {
    ...JUDGING,
    ...input,
    retention: input.retention,
    durable: input.durable ?? false,
  };
  const numbers: [string, number | undefined][] = [
    ['heartbeatMs', ctx.heartbeatMs],
    ['browserDefaultRetryMs', ctx.browserDefaultRetryMs],
    ['backoffCapMs', ctx.backoffCapMs],
    ['watchdogMs', ctx.watchdogMs],
    ['graceMs', ctx.graceMs],
    ['bucketMs', ctx.bucketMs],
    ['faultSlackMs', ctx.faultSlackMs],
    ['setupWindowMs', ctx.setupWindowMs],
    ['policyToleranceMs', ctx.policyToleranceMs],
    ['idleMinSilenceMs', ctx.idleMinSilenceMs],
    ['burstWindowMs', ctx.burstWindowMs],
    ['stormWindowMs', ctx.stormWindowMs],
    ['spreadMinSubscribers', ctx.spreadMinSubscribers],
    ['queueMinMs', ctx.queueMinMs],
    ['logReconnectMs', ctx.logReconnectMs],
    ['retention.events', ctx.retention?.events],
    ['retention.ms', ctx.retention?.ms],
  ];
  for (const [name, value] of numbers) {
    if (value === undefined && name.startsWith('retention.')) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`check context: ${name} must be a finite number >= 0, got ${String(value)}`);
    }
  }
  for (const name of ['bucketMs', 'stormWindowMs', 'heartbeatMs'] as const) {
    if (ctx[name] === 0) throw new Error(`check context: ${name} must be > 0, got 0`);
  }
  return ctx;
}
