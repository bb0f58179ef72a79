/**
 * The default SLOs. Thresholds are absolute where the harness can know what "good" is (storms,
 * jitter, in-fault latency beyond what was injected) and follow the target's *declarations* only
 * where the declaration is the promise being judged (heartbeat cadence). Each SLO says when it
 * applies, what evidence it rests on, and how to read a failure: the diagnosis names the likely
 * cause from the run's own numbers (which class of loss, which kind of duplicate) and the fix.
 */
import { checkContext, type CheckContext } from '../checks/context.ts';
import type { MeasurementKey, Measurements } from '../checks/keys.ts';
import type { ProxyFacts } from '../topology/proxy-facts.ts';
import { ageCutNote, bufferingNote, idleCutNote } from './proxy-notes.ts';
import type { SloSpec } from './spec.ts';

/** What the SLOs need beyond the check context: budgets the run plan computes. */
export interface SloBudgets {
  /** The longest any client may legitimately wait before reconnecting (retry hint, default, backoff cap). */
  maxReconnectWaitMs: number;
  /** Fewest acknowledged publishes a run may rest on. */
  minAcknowledged: number;
  /** Fewest live deliveries every judged window must hold. */
  minWindowEvents: number;
}

/** Absolute thresholds (never derived from what the server says about itself). */
export const ABSOLUTE = Object.freeze({
  /** A herd: more than this fraction of the retry-obeying clients within stormWindowMs. */
  herdFraction: 0.5,
  /** p90 - p10 of first reconnects after a mass cut must be at least this. */
  minSpreadMs: 250,
  /** What the path may add beyond an injected latency + jitter (p99). */
  inFaultExcessMs: 250,
  /** Live latency and first-byte budget floor. */
  liveBudgetMs: 1000,
  /** A burst pattern: more than this fraction of live pairs arriving together. */
  burstiness: 0.5,
});

/** A measurement for a sentence: rounded, with its unit, or "n/a". */
function v(m: Measurements, key: MeasurementKey, unit = ''): string {
  const x = m[key];
  if (x === null || x === undefined) return 'n/a';
  const r = Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
  return `${r}${unit}`;
}

function n(m: Measurements, key: MeasurementKey): number {
  return m[key] ?? 0;
}

function kib(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'n/a';
  return bytes >= 1024 ? `~${Math.round((bytes / 1024) * 10) / 10} KiB` : `~${Math.round(bytes)} B`;
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : `${Math.round(x * 100)}%`;
}

const BUFFERING_FIX =
  'set `proxy_buffering off` for the stream location (or send `X-Accel-Buffering: no` from the target), ' +
  'use `proxy_http_version 1.1`, and keep compression off for text/event-stream';

function compressionNote(m: Measurements): string {
  const c = n(m, 'buffering.compressedStreams');
  return c > 0
    ? `${c} streams were compressed (Content-Encoding): a compressor holds events back until its window fills ` +
        '(compression middleware without a flush per event, or gzip on text/event-stream in a proxy); disable ' +
        'compression for text/event-stream or flush after every event. '
    : '';
}

function retentionText(ctx: CheckContext): string {
  const r = ctx.retention;
  if (!r) return 'no declared retention';
  return [r.events !== undefined ? `${r.events} events` : '', r.ms !== undefined ? `${r.ms} ms` : '']
    .filter(Boolean)
    .join(' / ');
}

/**
 * The SLOs for a run. `facts` (the proxy config's own directives, when the run has them) make the
 * diagnoses point at the user's lines.
 */
export function defaultSlos(ctx: CheckContext, budgets: SloBudgets, facts?: ProxyFacts): SloSpec[] {
  const hb = ctx.heartbeatMs;
  const buffered = (m: Measurements): string => bufferingNote(facts, n(m, 'buffering.compressedStreams') > 0);
  const liveBudget = Math.max(ABSOLUTE.liveBudgetMs, hb);
  const recoveryBudget = budgets.maxReconnectWaitMs + 2 * hb + 1000;
  return [
    {
      name: 'publishes-acknowledged',
      description: `The run rests on acknowledged publishes (at least ${budgets.minAcknowledged}).`,
      measurement: 'publish.acknowledged',
      comparator: '>=',
      threshold: budgets.minAcknowledged,
      unit: 'events',
      diagnose: (m) =>
        `only ${v(m, 'publish.acknowledged')} of ${v(m, 'publish.attempted')} publishes were acknowledged ` +
        `(${v(m, 'publish.failed')} refused, failed or skipped): without acknowledged events there is nothing to ` +
        `deliver and every delivery verdict would pass on nothing. Check the target's publish recipe (the target ` +
        `spec's publish path, bodyTemplate and idPath), its auth, and its log (the first refusal is in the report).`,
    },
    {
      name: 'subscribers-opened',
      description: 'Every subscriber got an open event stream (200, text/event-stream) at least once.',
      measurement: 'delivery.subscribersNeverOpened',
      comparator: '<=',
      threshold: 0,
      unit: 'subscribers',
      evidence: 'evidence.subscribers',
      diagnose: (m) =>
        `${v(m, 'delivery.subscribersNeverOpened')} of ${v(m, 'evidence.subscribers')} subscribers never got a ` +
        `200 text/event-stream response (most frequent status: ${v(m, 'reconnect.topErrorStatus')}): nothing was ` +
        `expected of them, so they were never judged. ` +
        (n(m, 'reconnect.queuedAttempts') > 0
          ? `${v(m, 'reconnect.queuedAttempts')} attempts waited with no answer behind a browser's connection ` +
            `limit (see no-queued-streams): serve the stream over HTTP/2 or share one EventSource among tabs. `
          : '') +
        `Check the stream path, auth, the proxy's routing, and connection limits (limit_conn, worker_connections).`,
    },
    {
      name: 'judged-windows',
      description: `Every stretch of the workload between faults holds live deliveries (at least ${budgets.minWindowEvents}).`,
      measurement: 'evidence.thinnestWindowEvents',
      comparator: '>=',
      threshold: budgets.minWindowEvents,
      unit: 'events',
      evidence: 'evidence.windows',
      diagnose: (m) =>
        `the thinnest judged window held ${v(m, 'evidence.thinnestWindowEvents')} live deliveries ` +
        `(${v(m, 'evidence.afterLastFaultEvents')} after the last fault): what "passed" there passed on nothing. ` +
        `Either subscribers did not recover before the workload ended (see recovery-time: ` +
        `${v(m, 'reconnect.recoveryMs', ' ms')}) or the scenario leaves too little workload between or after its faults.`,
    },
    {
      name: 'payloads-decodable',
      description: 'Every published event arrives with the data that was published (the oracle can read it).',
      measurement: 'delivery.undecodable',
      comparator: '<=',
      threshold: 0,
      unit: 'events',
      diagnose: (m) =>
        `${v(m, 'delivery.undecodable')} events of type "message" carried data that is not the harness's payload: ` +
        `the target rewrites or wraps the published data beyond recognition, so their delivery cannot be judged ` +
        `(they would otherwise look like losses). Make the target send the published data verbatim as the ` +
        `event's data (check the target spec's publish bodyTemplate: {{data}} must become the event's data).`,
    },
    {
      name: 'faults-took-effect',
      description: 'Every fault left its mark in the history: a fault that did nothing tests nothing.',
      measurement: 'faults.withoutEffect',
      comparator: '<=',
      threshold: 0,
      unit: 'faults',
      evidence: 'faults.count',
      appliesTo: (f) => f.faults,
      diagnose: (m) =>
        `${v(m, 'faults.withoutEffect')} of ${v(m, 'faults.count')} faults left no trace: a latency toxic that ` +
        `delayed nothing, a bandwidth limit above the stream's rate, a cut that closed no stream, a restart that ` +
        `never exited. The stream does not go through the faulted leg (check the target spec's stream path and the ` +
        `proxy config), or the fault is too weak for this workload.`,
    },
    {
      name: 'no-silent-loss',
      description:
        'Every acknowledged event reaches every subscriber, or the server says it is gone (reset).',
      measurement: 'delivery.silentGaps',
      comparator: '<=',
      threshold: 0,
      unit: 'events',
      evidence: 'delivery.expected',
      diagnose: (m) => {
        const parts: string[] = [
          `${v(m, 'delivery.silentGaps')} acknowledged events never reached ${v(m, 'delivery.subscribersWithLoss')} ` +
            `subscriber(s) and no \`event: reset\` declared them gone.`,
        ];
        if (n(m, 'delivery.silentGaps.inLogFault') > 0)
          parts.push(
            `${v(m, 'delivery.silentGaps.inLogFault')} were acknowledged while the target's log was failing (a Redis ` +
              `partition or restart) and reached no subscriber at all: the target acknowledged them before they were ` +
              `durable in its log (acknowledged-before-durable: the append was not awaited, or its failure was only ` +
              `logged). Answer a publish only after the log confirmed the append, and answer 503 when it cannot.`,
          );
        const neverStored = n(m, 'delivery.silentGaps.inLogFault') > 0;
        if (n(m, 'publish.repeatedIds') > 0 && neverStored)
          parts.push(
            `The target acknowledged ${v(m, 'publish.repeatedIds')} ids it had already given to earlier events: ids ` +
              `handed out for appends that never happened were handed out again.`,
          );
        else if (n(m, 'publish.repeatedIds') > 0)
          parts.push(
            `The target acknowledged ${v(m, 'publish.repeatedIds')} ids it had already given to earlier events: its ids ` +
              `restart (an in-process counter), so after a restart a client's Last-Event-ID names the wrong event and ` +
              `the server resumes past events silently. Make ids unique for the life of the log (a log epoch + sequence).`,
          );
        if (n(m, 'delivery.silentGaps.live') > 0)
          parts.push(
            `${v(m, 'delivery.silentGaps.live')} were skipped on streams that stayed open: the server dropped events for ` +
              `a connected client, typically a slow client whose socket was backed up. Queue them (bounded), or cut ` +
              `the slow client so it reconnects and is replayed; never skip silently.`,
          );
        if (n(m, 'delivery.silentGaps.heldBack') > 0)
          parts.push(
            `${v(m, 'delivery.silentGaps.heldBack')} were published on open streams that then delivered nothing ` +
              `more: something held them back (a buffering proxy, a compressor that never flushed, a stuck stream). ` +
              `${compressionNote(m)}`,
          );
        if (n(m, 'delivery.silentGaps.atSetup') > 0)
          parts.push(
            `${v(m, 'delivery.silentGaps.atSetup')} were published while a stream was being set up and never sent on ` +
              `it: a race between reading the replay and subscribing to live events. Subscribe to live events before ` +
              `reading the replay snapshot (buffer them until the replay is written, then skip what it covered).`,
          );
        if (n(m, 'delivery.silentGaps.noLastEventId') > 0)
          parts.push(
            `${v(m, 'delivery.silentGaps.noLastEventId')} were published while a subscriber that had no event yet was ` +
              `away: it came back without Last-Event-ID, so the server could not replay. Send an \`id:\` line (the log's ` +
              `head) right after a stream opens, so every client has a resume point.`,
          );
        if (n(m, 'delivery.silentGaps.notReplayed') > 0)
          parts.push(
            `${v(m, 'delivery.silentGaps.notReplayed')} were published while subscribers were away; they came back with ` +
              `a Last-Event-ID and got no replay at all: the server ignores Last-Event-ID (or no longer recognises it ` +
              `and resumes live without a reset). Replay strictly after the Last-Event-ID, or send \`event: reset\`.`,
          );
        if (n(m, 'delivery.silentGaps.otherInstance') > 0)
          parts.push(
            `${v(m, 'delivery.silentGaps.otherInstance')} were published while subscribers were away; they came back ` +
              `(with a Last-Event-ID) to one of several instances, whose replay left them out (another instance than ` +
              `before, or part of a replay): replay reads what one instance holds (a per-process buffer filled on ` +
              `its own publishes, a local cache), not the log every instance shares. Replay from the shared log ` +
              `(e.g. XRANGE after the Last-Event-ID) on every instance.`,
          );
        if (n(m, 'delivery.silentGaps.afterRestart') > 0)
          parts.push(
            `${v(m, 'delivery.silentGaps.afterRestart')} were acknowledged before the target stopped and missed after it.`,
          );
        if (n(m, 'buffering.burstiness') >= ABSOLUTE.burstiness)
          parts.push(
            `Events arrived in bursts: the last ones were probably still held in a buffer when the run ended; ` +
              `${compressionNote(m)}${BUFFERING_FIX}.`,
          );
        if (n(m, 'delivery.undecodable') > 0)
          parts.push(
            `${v(m, 'delivery.undecodable')} events could not be decoded: if the target rewrites the data, their ` +
              `deliveries look like losses (see payloads-decodable).`,
          );
        if (parts.length === 1)
          parts.push(
            `Causes: replay after a reconnect does not start right after the Last-Event-ID, the stream is registered ` +
              `for live events only after headers were flushed, or retention dropped events without a reset.`,
          );
        return parts.join(' ');
      },
    },
    {
      name: 'no-duplicates',
      description:
        'No event is delivered twice to a subscriber (clients must not see replays of what they had).',
      measurement: 'delivery.duplicates',
      comparator: '<=',
      threshold: 0,
      unit: 'events',
      evidence: 'delivery.events',
      diagnose: (m) => {
        const parts = [`${v(m, 'delivery.duplicates')} events arrived more than once.`];
        if (n(m, 'delivery.duplicates.lastEventId') > 0)
          parts.push(
            `${v(m, 'delivery.duplicates.lastEventId')} of them were the Last-Event-ID event itself, re-sent first on a ` +
              `reconnect: the replay starts at the id instead of strictly after it.`,
          );
        if (n(m, 'delivery.replaysBeforeResumePoint') > 0)
          parts.push(
            `${v(m, 'delivery.replaysBeforeResumePoint')} reconnects were replayed from before the event their ` +
              `Last-Event-ID named (from the start of the log): the server ignores Last-Event-ID and replays everything.`,
          );
        if (n(m, 'publish.repeatedIds') > 0)
          parts.push(
            `Ids repeat (${v(m, 'publish.repeatedIds')} acknowledged twice): ids restart after a restart.`,
          );
        if (parts.length === 1)
          parts.push(
            `Replay does not start strictly after the Last-Event-ID, ids are not unique, or the client sends a stale ` +
              `Last-Event-ID after reconnecting.`,
          );
        return parts.join(' ');
      },
    },
    {
      name: 'in-order',
      description:
        'Events arrive in one order, the same for every subscriber, consistent with when they were published.',
      measurement: 'delivery.reorders',
      comparator: '<=',
      threshold: 0,
      unit: 'events',
      evidence: 'delivery.events',
      diagnose: (m) =>
        `${v(m, 'delivery.reorders')} events arrived out of order: ${v(m, 'delivery.reorders.inconsistent')} in an ` +
        `order that contradicts what the rest of the fleet saw (live subscribers and replaying subscribers got ` +
        `different orders), ${v(m, 'delivery.reorders.realTime')} after an event published only after they were ` +
        `acknowledged. The server broadcasts live events in a different order than it stores them (an async write ` +
        `completing out of order), or writes live events while a replay is still running. Commit, broadcast and ` +
        `replay in one order: assign the position and broadcast in the same step, and queue live events until the ` +
        `replay is written.`,
    },
    {
      name: 'no-needless-reset',
      description: "A reset declares gone only what the target's declared retention no longer holds.",
      measurement: 'delivery.needlessGaps',
      comparator: '<=',
      threshold: 0,
      unit: 'events',
      evidence: 'delivery.expected',
      appliesTo: (f) => f.retention,
      diagnose: (m) =>
        `${v(m, 'delivery.needlessResets')} resets declared ${v(m, 'delivery.needlessGaps')} events gone although the ` +
        `target's declared retention (${retentionText(ctx)}${ctx.durable ? ', durable' : ''}) still held them: the ` +
        `server answers a reconnect with \`event: reset\` instead of replaying (an id check that is too strict, a ` +
        `cache that is not the log, or a restart that lost a log declared durable). Replay whatever the retention ` +
        `holds; reset only for ids it no longer holds.`,
    },
    {
      name: 'gap-declared',
      description:
        'A client away longer than the declared retention is told so (`event: reset`), never resumed silently.',
      measurement: 'delivery.justifiedGaps',
      comparator: '>=',
      threshold: 1,
      unit: 'events',
      evidence: 'delivery.expected',
      appliesTo: (f) => f.gapExpected,
      diagnose: (m) =>
        `the scenario kept clients away for more than the declared retention (${retentionText(ctx)}), yet no reset ` +
        `declared a gap (${v(m, 'delivery.silentGaps')} silent gaps, ${v(m, 'delivery.delivered')} delivered). ` +
        (n(m, 'delivery.silentGaps') > 0
          ? 'The server resumed past expired ids silently: send `event: reset` when the Last-Event-ID is older than ' +
            'the retention.'
          : 'The server replayed everything: it keeps more than it declares. Declare the retention it really has, ' +
            'so that this scenario can overflow it.'),
    },
    {
      name: 'latency-p99',
      description: `Outside faults, 99% of events arrive within ${liveBudget} ms of their publish.`,
      measurement: 'latency.outsideFault.p99',
      comparator: '<=',
      threshold: liveBudget,
      unit: 'ms',
      evidence: 'latency.outsideFault.count',
      diagnose: (m) => {
        const bursty = n(m, 'buffering.burstiness') >= ABSOLUTE.burstiness;
        return (
          `p99 publish-to-receive latency outside faults was ${v(m, 'latency.outsideFault.p99', ' ms')} ` +
          `(p50 ${v(m, 'latency.outsideFault.p50', ' ms')}). ` +
          (bursty
            ? `Events arrived in ${kib(m['buffering.burstBytesP50'])} bursts: something is buffering the response; ` +
              `${buffered(m)}${compressionNote(m)}${BUFFERING_FIX}.`
            : n(m, 'buffering.compressedStreams') > 0
              ? `No burst pattern, but ${compressionNote(m)}${buffered(m)}`
              : `No burst pattern: look for a saturated target (event loop lag under the fleet's load, a slow ` +
                `per-client write path) or a slow link; scale the target or reduce per-event work.`)
        );
      },
    },
    {
      name: 'latency-in-fault',
      description: `Under a latency fault, events arrive no later than the injected delay + jitter + ${ABSOLUTE.inFaultExcessMs} ms (p99).`,
      measurement: 'latency.inFault.excessP99',
      comparator: '<=',
      threshold: ABSOLUTE.inFaultExcessMs,
      unit: 'ms',
      evidence: 'latency.inFault.judged',
      appliesTo: (f) => f.latencyFault,
      diagnose: (m) =>
        `under the injected latency (up to ${v(m, 'latency.inFault.injectedMs', ' ms')} with jitter) events arrived ` +
        `${v(m, 'latency.inFault.excessP99', ' ms')} later still (p99 beyond what was injected): the path amplifies ` +
        `latency. Typical causes: a proxy that buffers until a timer or a size is reached (small writes held back), ` +
        `Nagle/delayed-ACK interplay on small writes, or a target that batches writes per tick. Flush each event and ` +
        `keep buffering off on every hop.`,
    },
    {
      name: 'heartbeat-silence',
      description: `Healthy streams never go silent for more than 2.5 heartbeats (${2.5 * hb} ms), so idle timers never fire.`,
      measurement: 'heartbeat.maxSilenceOutsideFaultMs',
      comparator: '<=',
      threshold: 2.5 * hb,
      unit: 'ms',
      evidence: 'heartbeat.openConnections',
      diagnose: (m) =>
        `a stream outside any fault went ${v(m, 'heartbeat.maxSilenceOutsideFaultMs', ' ms')} without a byte ` +
        `(heartbeat declared every ${hb} ms; ${v(m, 'heartbeat.count')} heartbeats seen in the run, ` +
        `${v(m, 'heartbeat.stalls')} streams given up by the client's watchdog): heartbeats are not sent on schedule ` +
        `(none at all, a blocked event loop, only on some streams) or something holds them back (buffering). Send an ` +
        `SSE comment on every stream every heartbeat interval regardless of traffic, and flush it.`,
    },
    {
      name: 'no-idle-cuts',
      description:
        'No intermediary cuts an idle stream: heartbeats must beat every idle timeout on the path.',
      measurement: 'heartbeat.idleCuts',
      comparator: '<=',
      threshold: 0,
      unit: 'connections',
      evidence: 'heartbeat.openConnections',
      diagnose: (m) =>
        `${v(m, 'heartbeat.idleCuts')} streams were cut with no fault active, after ~` +
        `${v(m, 'heartbeat.idleCutSilenceP50Ms', ' ms')} of silence (median stream age ` +
        `${v(m, 'heartbeat.idleCutAgeP50Ms', ' ms')}): an intermediary's read/idle timeout (nginx ` +
        `proxy_read_timeout, a load balancer idle timeout) is shorter than the gap between bytes. ` +
        idleCutNote(facts, hb, m['heartbeat.idleCutSilenceP50Ms'] ?? null) +
        `Send heartbeats at most half the smallest idle timeout on the path, or raise that timeout for the stream location.`,
    },
    {
      name: 'no-age-cuts',
      description:
        'No intermediary cuts streams at a fixed age: a deadline on the whole response (a route timeout) ends every stream.',
      measurement: 'heartbeat.ageCuts',
      comparator: '<=',
      threshold: 0,
      unit: 'connections',
      evidence: 'heartbeat.openConnections',
      diagnose: (m) =>
        `${v(m, 'heartbeat.ageCuts')} streams were cut with no fault active at the same age (~` +
        `${v(m, 'heartbeat.ageCutAgeP50Ms', ' ms')}) after scattered silences: a deadline on the whole response, not an ` +
        `idle timer, so heartbeats do not help (Envoy's route timeout, 15 s by default; a server write timeout; a ` +
        `gateway's maximum request duration). ${ageCutNote(facts, m['heartbeat.ageCutAgeP50Ms'] ?? null)}Disable the ` +
        `deadline for the stream route (Envoy: \`timeout: 0s\` on the route, and rely on stream_idle_timeout).`,
    },
    {
      name: 'no-reconnect-storm',
      description: `After a mass disconnect, at most ${ABSOLUTE.herdFraction * 100}% of the clients that obey \`retry:\` reconnect within any ${ctx.stormWindowMs} ms.`,
      measurement: 'reconnect.herdFraction',
      comparator: '<=',
      threshold: ABSOLUTE.herdFraction,
      unit: 'fraction',
      evidence: 'reconnect.herdSubscribers',
      appliesTo: (f) => f.massCut && f.retryObeyingClients,
      diagnose: (m) =>
        `${pct(m['reconnect.herdFraction'])} of the ${v(m, 'reconnect.herdSubscribers')} retry-obeying clients ` +
        `reconnected within ${ctx.stormWindowMs} ms of each other (first-attempt spread ` +
        `${v(m, 'reconnect.spreadMs', ' ms')}, largest retry hint ${v(m, 'reconnect.maxRetryHintMs', ' ms')}): the ` +
        `server sends the same \`retry:\` to every client, with no jitter, so clients cut together come back together. ` +
        `Send \`retry:\` with a random per-connection jitter spread over a few seconds (and at shutdown), and use ` +
        `capped exponential backoff with full jitter in non-browser clients.`,
    },
    {
      name: 'reconnect-jitter',
      description: `First reconnects after a mass cut are spread out (p90 - p10 >= ${ABSOLUTE.minSpreadMs} ms): jitter works.`,
      measurement: 'reconnect.spreadMs',
      comparator: '>=',
      threshold: ABSOLUTE.minSpreadMs,
      unit: 'ms',
      evidence: 'reconnect.herdSubscribers',
      appliesTo: (f) => f.massCut && f.retryObeyingClients,
      diagnose: (m) =>
        `the retry-obeying clients' first reconnect attempts after a mass cut spread over only ` +
        `${v(m, 'reconnect.spreadMs', ' ms')} (p90 - p10): every connection got the same \`retry:\` value, no jitter. ` +
        `Add per-connection random jitter to \`retry:\` (a few seconds wide).`,
    },
    {
      name: 'recovery-time',
      description: `After each fault, every subscriber still trying streams again within ${recoveryBudget} ms.`,
      measurement: 'reconnect.recoveryMs',
      comparator: '<=',
      threshold: recoveryBudget,
      unit: 'ms',
      appliesTo: (f) => f.faults,
      diagnose: (m) =>
        `the slowest subscriber streamed again ${v(m, 'reconnect.recoveryMs', ' ms')} after a fault ended` +
        (n(m, 'reconnect.unrecovered') > 0
          ? ` and ${v(m, 'reconnect.unrecovered')} never did before the run ended: a dead (half-open) stream ` +
            `was never detected (the client needs an idle watchdog of a few heartbeats) or the target did not come back`
          : '') +
        `. Reconnect delays: browser p50 ${v(m, 'reconnect.delayP50.browser', ' ms')}, backoff p50 ` +
        `${v(m, 'reconnect.delayP50.backoff', ' ms')}, largest retry hint ${v(m, 'reconnect.maxRetryHintMs', ' ms')}: ` +
        `lower the \`retry:\` value or the backoff cap, and make sure the target is ready before the proxy sends it traffic.`,
    },
    {
      name: 'failover-time',
      description: `When an instance stops, its subscribers stream again from another within ${recoveryBudget} ms (p95).`,
      measurement: 'instances.failoverP95Ms',
      comparator: '<=',
      threshold: recoveryBudget,
      unit: 'ms',
      evidence: 'instances.failovers',
      appliesTo: (f) => f.instanceStop === true,
      diagnose: (m) =>
        `subscribers of a stopped instance took ${v(m, 'instances.failoverP95Ms', ' ms')} (p95; max ` +
        `${v(m, 'instances.failoverMaxMs', ' ms')}, ${v(m, 'instances.failovers')} failovers) from the end of their ` +
        `stream to the first byte on another instance: the proxy kept sending reconnects to the stopped instance ` +
        `(no next-upstream retry, health checks too slow), or marked every instance failed (nginx's max_fails: a ` +
        `server's failure count resets only when a request to it completes, which a stream never does: use ` +
        `max_fails=0 with proxy_next_upstream), or clients waited long retry hints ` +
        `(largest ${v(m, 'reconnect.maxRetryHintMs', ' ms')}). Let the proxy retry a stream request on the next ` +
        `instance (nginx \`proxy_next_upstream error timeout http_502 http_503\`, HAProxy \`option redispatch\`), ` +
        `and keep retry hints short.`,
    },
    {
      name: 'no-give-up',
      description:
        'No subscriber stops reconnecting for good (a browser EventSource gives up on any non-200).',
      measurement: 'reconnect.gaveUp',
      comparator: '<=',
      threshold: 0,
      unit: 'subscribers',
      evidence: 'evidence.subscribers',
      diagnose: (m) =>
        `${v(m, 'reconnect.gaveUp')} subscribers stopped for good after ${v(m, 'reconnect.errorResponses')} non-200 ` +
        `responses (mostly HTTP ${v(m, 'reconnect.topErrorStatus')}): a browser EventSource stops on any non-200 ` +
        `status or a non-text/event-stream content type, e.g. nginx's 502/504 while the target restarts, a 503 ` +
        `from a draining target or from limit_conn. Never answer the stream URL with an error a browser cannot ` +
        `retry: have nginx map upstream errors to a 200 text/event-stream that only carries \`retry:\` ` +
        `(\`error_page 502 503 504 = @sse_retry\`), let a draining target accept and end streams with a retry ` +
        `hint instead of 503, and size limit_conn/worker_connections for the fleet.`,
    },
    {
      name: 'no-queued-streams',
      description:
        "No stream waits behind a browser's connection limit (over HTTP/1.1 at most 6 connections per origin, across all its tabs).",
      measurement: 'reconnect.queuedAttempts',
      comparator: '<=',
      threshold: 0,
      unit: 'attempts',
      evidence: 'reconnect.connects',
      appliesTo: (f) => f.realBrowsers,
      diagnose: (m) =>
        `${v(m, 'reconnect.queuedAttempts')} stream attempts waited up to ${v(m, 'reconnect.queuedMaxMs', ' ms')} ` +
        `with no response and no error while the same browser held ${v(m, 'reconnect.queuedBehindStreams')} ` +
        `streams open to that origin: over HTTP/1.1 a browser opens at most 6 connections per origin (per ` +
        `profile, across every tab and frame), and an EventSource holds one for as long as it lives, so the ` +
        `7th tab's stream waits for a free socket for ever, without an error event. Serve the stream over ` +
        `HTTP/2 (TLS; one connection multiplexes about 100 streams), or open one EventSource per browser and ` +
        `share it among tabs (a SharedWorker, or a leader tab relaying over BroadcastChannel).`,
    },
    {
      name: 'backoff-policy',
      description:
        'Every reconnect delay obeys the client policy (browser: the retry hint; backoff: within [0, cap]).',
      measurement: 'reconnect.policyViolations',
      comparator: '<=',
      threshold: 0,
      unit: 'delays',
      diagnose: (m) =>
        `${v(m, 'reconnect.policyViolations')} reconnect delays broke the policy (browser must wait the last ` +
        `\`retry:\` value, default ${ctx.browserDefaultRetryMs} ms; backoff must stay within [0, ${ctx.backoffCapMs}] ms): ` +
        `the client ignores \`retry:\`, does not cap its backoff, or lets a huge \`retry:\` (> 2^31-1 ms) ` +
        `overflow setTimeout into a 1 ms storm. Clamp retry values.`,
    },
    {
      name: 'no-proxy-buffering',
      description:
        'Steady publishes arrive steadily, not in bursts after silence (nothing buffers the stream).',
      measurement: 'buffering.burstiness',
      comparator: '<=',
      threshold: ABSOLUTE.burstiness,
      unit: 'ratio',
      evidence: 'buffering.pairs',
      diagnose: (m) =>
        `${pct(m['buffering.burstiness'])} of events published apart arrived together, in bursts of ` +
        `${kib(m['buffering.burstBytesP50'])} of event data (largest ${kib(m['buffering.maxBurstBytes'])}): something ` +
        `buffers the response. ${buffered(m)}${compressionNote(m)}If the proxy buffers: ${BUFFERING_FIX}. If the app buffers ` +
        `(output buffering, a framework's response buffer), flush after every event.`,
    },
    {
      name: 'first-event-delay',
      description: `A new stream's first event arrives within ${liveBudget} ms (p95) of connecting or of its publish.`,
      measurement: 'buffering.firstEventDelayP95',
      comparator: '<=',
      threshold: liveBudget,
      unit: 'ms',
      diagnose: (m) =>
        `the first event of a stream waited ${v(m, 'buffering.firstEventDelayP95', ' ms')} (p95; time to first byte ` +
        `p95 ${v(m, 'buffering.ttfbP95', ' ms')}): something holds the response until a buffer fills or the first ` +
        `event flushes the headers. ${buffered(m)}${compressionNote(m)}${BUFFERING_FIX}. If only replays are slow, the replay path is too slow.`,
    },
    {
      name: 'time-to-first-byte',
      description: `A stream's first byte arrives within ${liveBudget} ms (p95): headers and the retry hint are flushed at once.`,
      measurement: 'buffering.ttfbP95',
      comparator: '<=',
      threshold: liveBudget,
      unit: 'ms',
      diagnose: (m) =>
        `the first byte of a stream took ${v(m, 'buffering.ttfbP95', ' ms')} (p95): the target does not flush ` +
        `headers and an initial \`retry:\`/comment immediately, or something buffers until ~4 KiB accumulate. ` +
        `${buffered(m)}${compressionNote(m)}${BUFFERING_FIX}.`,
    },
    {
      name: 'graceful-shutdown',
      description: `On SIGTERM every open stream gets a retry hint and ends within the grace period (${ctx.graceMs} ms).`,
      measurement: 'shutdown.withoutHint',
      comparator: '==',
      threshold: 0,
      unit: 'streams',
      evidence: 'shutdown.openAtSigterm',
      appliesTo: (f) => f.sigterm,
      diagnose: (m) =>
        `${v(m, 'shutdown.withoutHint')} of ${v(m, 'shutdown.openAtSigterm')} streams open at SIGTERM did not ` +
        `get a \`retry:\` hint and end within ${ctx.graceMs} ms (${pct(m['shutdown.endedWithinGraceRatio'])} ended ` +
        `in time): the target exits without draining, ends streams without a hint, or waits on them forever ` +
        `(node's server.close() waits for open SSE streams). On SIGTERM: stop accepting, write a jittered ` +
        `\`retry:\` to every stream, end them, flush the log, exit within the grace period.`,
    },
    {
      name: 'nothing-lost-on-restart',
      description:
        'An event the target acknowledged survives a stop or crash: every subscriber still gets it after the restart.',
      measurement: 'shutdown.lostAcknowledged',
      comparator: '<=',
      threshold: 0,
      unit: 'events',
      evidence: 'delivery.expected',
      appliesTo: (f) => f.targetStop && f.durable,
      diagnose: (m) =>
        `${v(m, 'shutdown.lostAcknowledged')} publishes acknowledged before the target stopped were missed after the ` +
        `restart (${v(m, 'delivery.needlessGaps')} declared gone by resets although the log is declared durable and ` +
        `its retention covered them, ${v(m, 'delivery.silentGaps.afterRestart')} silently): ` +
        (n(m, 'delivery.silentGaps.otherInstance') > 0
          ? `subscribers came back to instances whose replay did not come from the shared log (see no-silent-loss), or `
          : '') +
        `the target acknowledged events it had not made durable (an in-memory log, or an fsync policy weaker than documented)` +
        (n(m, 'publish.repeatedIds') > 0 ? ', and its ids restarted so replay skipped them' : '') +
        `. Acknowledge only after the append reached the durable log, and keep ids unique across restarts.`,
    },
    {
      name: 'no-connection-leak',
      description: "The target's active connections return to their baseline after the run.",
      measurement: 'server.connectionLeak',
      comparator: '<=',
      threshold: 0,
      unit: 'connections',
      // A target without /metrics (or without this gauge) is reported as not measured.
      required: false,
      diagnose: (m) =>
        `the target reports ${v(m, 'server.connectionLeak')} more active connections after the run than before ` +
        `(${v(m, 'server.activeConnectionsBefore')} -> ${v(m, 'server.activeConnectionsAfter')}): closed streams ` +
        `are not cleaned up. Listen for the response's 'close', clear heartbeat timers and subscriptions there, ` +
        `and decrement the gauge exactly once per stream.`,
    },
  ];
}

/** Every SLO name, for validating overrides and expectations before anything runs. */
export const SLO_NAMES: readonly string[] = defaultSlos(
  checkContext({
    heartbeatMs: 1000,
    browserDefaultRetryMs: 3000,
    backoffCapMs: 3000,
    watchdogMs: 3000,
    graceMs: 1000,
  }),
  { maxReconnectWaitMs: 3000, minAcknowledged: 1, minWindowEvents: 1 },
).map((s) => s.name);
