/**
 * Every measurement a check emits, with what it means: the one list shared by checks (which emit
 * them), SLOs (which judge them) and reports (which show them). A key is a string literal type, so a
 * typo anywhere is a compile error; harness/checks/README.md is checked against this list by a test.
 *
 * `null` always means "not measured in this run" (no sample, no such phase); the SLO layer decides
 * whether that is acceptable (see harness/slo/README.md).
 */
export const MEASUREMENTS = {
  // publish (publish.ts)
  'publish.attempted': 'publish attempts: acknowledged + refused/failed + skipped',
  'publish.acknowledged':
    'publishes the target acknowledged (the only ones any subscriber is expected to get)',
  'publish.failed':
    'publishes that were not acknowledged (refused, failed, timed out, skipped behind schedule)',
  'publish.repeatedIds':
    'acknowledgements carrying an id already acknowledged for an earlier publish (ids restarted)',

  // delivery (delivery.ts, deliveries.ts)
  'delivery.expected':
    'publishes subscribers had to receive, summed over subscribers (= delivered + silent + declared)',
  'delivery.delivered': 'expected publishes that arrived (first arrivals)',
  'delivery.silentGaps': 'expected publishes that never arrived and no reset declared gone',
  'delivery.silentGaps.live': 'silent gaps skipped on a live stream: it went on to deliver later events',
  'delivery.silentGaps.heldBack':
    'silent gaps published on an open stream that lived on but delivered nothing after them (held back)',
  'delivery.silentGaps.atSetup':
    'silent gaps published while the delivering stream was being set up (connect .. response + setupWindowMs)',
  'delivery.silentGaps.noLastEventId':
    'silent gaps published while away, whose next connect sent no Last-Event-ID (no resume point)',
  'delivery.silentGaps.notReplayed':
    'silent gaps published while away, whose next connect sent a Last-Event-ID but got no replay at all',
  'delivery.silentGaps.afterRestart': 'silent gaps published before a target stop and missed after it',
  'delivery.silentGaps.otherInstance':
    'silent gaps published while away, whose next stream (with a Last-Event-ID) was served by one of several instances that replayed without them (another instance than before, or a partial replay)',
  'delivery.silentGaps.inLogFault':
    "silent gaps of publishes acknowledged during a fault on the target's log (a Redis partition or restart) that no subscriber received at all",
  'delivery.declaredGaps': 'expected publishes that never arrived, inside the range a reset declared gone',
  'delivery.justifiedGaps':
    'declared gaps the target could not fill: beyond its declared retention, or lost with a non-durable log',
  'delivery.needlessGaps':
    'declared gaps the target should still have held (within the declared retention); null without a declared retention',
  'delivery.needlessResets': 'resets that declared needless gaps; null without a declared retention',
  'delivery.resets': 'reset events received',
  'delivery.duplicates': 'arrivals of an event the subscriber already had',
  'delivery.duplicates.lastEventId':
    'duplicates that were the Last-Event-ID event itself, re-sent first on a reconnect',
  'delivery.replaysBeforeResumePoint':
    'reconnects whose first event is older than the event their Last-Event-ID named (replay from too early)',
  'delivery.reorders':
    'reorders.realTime + reorders.inconsistent: arrivals against real time, and events the fleet saw in contradicting orders',
  'delivery.reorders.realTime':
    'first arrivals after an event that was published only after they were acknowledged',
  'delivery.reorders.inconsistent':
    'events the fleet saw in contradicting orders (on a cycle of "arrived before" across subscribers)',
  'delivery.subscribersWithLoss': 'subscribers with at least one silent gap',
  'delivery.subscribersNeverOpened':
    'subscribers that never had an open stream (nothing is expected of them)',
  'delivery.unacknowledgedDelivered': 'distinct (topic, seq) delivered that no publish record acknowledged',
  'delivery.events': "this run's events received (duplicates included)",
  'delivery.foreign':
    "events carrying another run's payload (a long-running target replaying old events): excluded",
  'delivery.undecodable':
    'events of the published type whose data is not a payload at all (the target rewrote it)',

  // latency (latency.ts)
  'latency.count': 'first arrivals with a publish time (every class)',
  'latency.p50': 'publish-to-receive latency over every first arrival, p50 (ms)',
  'latency.p95': 'the same, p95 (ms)',
  'latency.p99': 'the same, p99 (ms)',
  'latency.max': 'the same, max (ms)',
  'latency.inFault.count': 'first arrivals that touched a disruption of their subscriber',
  'latency.inFault.p50': 'their latency, p50 (ms)',
  'latency.inFault.p99': 'their latency, p99 (ms)',
  'latency.inFault.judged':
    "live events published inside a latency fault on the subscriber's leg (the in-fault latency sample)",
  'latency.inFault.injectedMs': 'the largest latency + jitter a latency fault injected (ms)',
  'latency.inFault.excessP99':
    'p99 of (latency - injected latency - jitter) over the in-fault sample (ms): what the path added beyond the fault',
  'latency.replayed.count':
    'first arrivals published before their stream opened (replays after a reconnect), outside disruptions',
  'latency.replayed.p50': 'their latency, p50 (ms)',
  'latency.replayed.p99': 'their latency, p99 (ms)',
  'latency.outsideFault.count': 'live first arrivals outside every disruption of their subscriber',
  'latency.outsideFault.p50': 'their latency, p50 (ms)',
  'latency.outsideFault.p95': 'their latency, p95 (ms)',
  'latency.outsideFault.p99': 'their latency, p99 (ms)',
  'latency.outsideFault.max': 'their latency, max (ms)',

  // heartbeat (heartbeat.ts)
  'heartbeat.count': 'heartbeat (comment) records',
  'heartbeat.openConnections': 'open streams seen',
  'heartbeat.maxSilenceMs': 'longest time on an open stream without any byte (ms)',
  'heartbeat.maxSilenceOutsideFaultMs':
    'the same over silences that touched no disruption of the subscriber (ms)',
  'heartbeat.idleCuts':
    'open streams ended by eof/error outside disruptions and before teardown: an intermediary cut an idle stream',
  'heartbeat.idleCutSilenceP50Ms': "median silence before those cuts (~ the intermediary's idle timeout, ms)",
  'heartbeat.idleCutAgeP50Ms': 'median age of the cut streams (ms)',
  'heartbeat.stalls': 'open streams the client watchdog ended for silence outside disruptions',
  'heartbeat.ageCuts':
    'open streams cut outside disruptions at one shared age after scattered silences: a deadline on the whole response',
  'heartbeat.ageCutAgeP50Ms': 'median age of those streams (~ the deadline, ms)',

  // reconnect (reconnect.ts)
  'reconnect.connects': 'every connect attempt (ramp included)',
  'reconnect.attempts': "reconnect attempts (every connect but each subscriber's first)",
  'reconnect.peakPerSec': 'most reconnect attempts in any 1 s window across the fleet',
  'reconnect.herdFraction':
    'worst mass cut (>= spreadMinSubscribers retry-obeying streams closed within 1 s): most of them reconnecting within stormWindowMs, over all of them',
  'reconnect.herdSubscribers':
    'retry-obeying subscribers in that mass cut (the evidence for the herd and spread); null without a mass cut',
  'reconnect.spreadMs': "smallest p90 - p10 of a mass cut's first reconnect attempts (ms)",
  'reconnect.errorResponses': 'non-200 responses to connect attempts',
  'reconnect.topErrorStatus': 'the most frequent non-200 status; null if none',
  'reconnect.policyViolations':
    'reconnect delays off the client policy (browser: the last retry hint; backoff: within [0, cap])',
  'reconnect.waits': 'reconnect delays recorded',
  'reconnect.recoveryMs':
    'after each disruption, until every subscriber still trying streamed again; the worst (ms)',
  'reconnect.unrecovered': 'subscribers that never streamed again after a disruption',
  'reconnect.gaveUp': 'subscribers that gave up for good',
  'reconnect.maxRetryHintMs': 'the largest retry hint (as applied) any subscriber received (ms)',
  'reconnect.delayP50.browser': 'median recorded reconnect delay of the browser profile (ms)',
  'reconnect.delayP50.backoff': 'median recorded reconnect delay of the backoff profile (ms)',
  'reconnect.queuedAttempts':
    "connect attempts that waited queueMinMs or longer with no response and no error while their client (a browser context) held other streams open to the same origin, outside disruptions: queued behind the client's connection limit",
  'reconnect.queuedMaxMs': 'the longest of those waits (ms); null without one',
  'reconnect.queuedBehindStreams':
    'the most streams the client held open to that origin while an attempt was queued (6: a browser over HTTP/1.1); null without one',

  // buffering (buffering.ts)
  'buffering.ttfbP50': 'first body byte after connect, p50, outside disruptions (ms)',
  'buffering.ttfbP95': 'the same, p95 (ms)',
  'buffering.firstEventDelayP95':
    'per connection, first live event t - max(connect, its publish), p95, outside disruptions (ms)',
  'buffering.pairs': 'consecutive live event pairs judged for burstiness',
  'buffering.burstiness':
    'fraction of those pairs, published apart, that arrived within burstWindowMs of each other',
  'buffering.maxBurstBytes': 'event bytes in the largest burst',
  'buffering.burstBytesP50': 'event bytes per burst, p50',
  'buffering.publishIntervalMs': 'median spacing of publish requests (ms)',
  'buffering.compressedStreams':
    'open streams whose body was compressed (Content-Encoding): compression holds events back',

  // shutdown (shutdown.ts)
  'shutdown.openAtSigterm': 'open streams at each target SIGTERM (summed); null without one',
  'shutdown.streamsEnded': 'of those, streams that closed within graceMs',
  'shutdown.streamsWithRetryHint':
    'of those, streams that got a retry hint after the SIGTERM and then ended within graceMs',
  'shutdown.withoutHint': 'openAtSigterm - streamsWithRetryHint',
  'shutdown.endedWithinGraceRatio': 'streamsEnded / openAtSigterm',
  'shutdown.stops': 'target stops (SIGTERM, SIGKILL, exit)',
  'shutdown.lostAcknowledged':
    'publishes acknowledged before a target stop that a subscriber expected and missed (silently or by a needless reset); null without a stop',

  // server (server.ts)
  'server.activeConnectionsBefore': "the target's sse_active_connections before the workload",
  'server.activeConnectionsAfter': 'the same after the fleet left',
  'server.connectionLeak': 'after - before; null without both scrapes',
  'server.slowClientDisconnects': "growth of the target's slow-client counter; null without it",

  // faults (fault-effects.ts)
  'faults.count': 'fault windows in the run',
  'faults.failed': 'fault windows whose apply or undo failed',
  'faults.withoutEffect':
    'faults whose effect the history does not show (a toxic that did nothing is no test)',
  'faults.unverifiable': 'faults whose effect the history cannot show (e.g. slicer, user-defined faults)',

  // instances (instances.ts): null for a single target
  'instances.count': 'instances of the target behind the proxy (null for a single target)',
  'instances.unattributed':
    'streams served while several instances ran whose instance is unknown (the proxy sent no upstream header)',
  'instances.failovers':
    "subscribers' moves to another instance when theirs was stopped (stream on A ended while A was down, next stream on B)",
  'instances.failoverP50Ms':
    'from the end of the stream on the stopped instance to the first byte on the next, p50 (ms)',
  'instances.failoverP95Ms': 'the same, p95 (ms)',
  'instances.failoverMaxMs': 'the same, max (ms)',
  'instances.moves': 'moves to another instance that was not stopped (the round robin of a reconnect)',

  // evidence (evidence.ts)
  'evidence.windows': 'judged windows: the stretches of the workload between faults (before, between, after)',
  'evidence.thinnestWindowEvents': 'live first arrivals in the thinnest judged window',
  'evidence.afterLastFaultEvents':
    'live first arrivals published after the last fault ended; null without faults',
  'evidence.subscribers': 'subscribers in the fleet',
} as const;

export type MeasurementKey = keyof typeof MEASUREMENTS;

/** Measurements as checks emit them: numbers, or null when not measured in this run. */
export type Measurements = Partial<Record<MeasurementKey, number | null>>;

/** Every key, for validation and docs. */
export const MEASUREMENT_KEYS = Object.keys(MEASUREMENTS) as MeasurementKey[];

export function isMeasurementKey(key: string): key is MeasurementKey {
  return Object.hasOwn(MEASUREMENTS, key);
}
