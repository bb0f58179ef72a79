/**
 * The default SLOs, tuned for the suite's time-compressed scenarios (heartbeat ~1 s, retry ~1 s +
 * up to 1 s jitter). Thresholds that depend on the scenario's timing derive from the CheckContext;
 * every one can be overridden per scenario, in sse-chaos.config.ts and on the command line.
 * Diagnoses name the likely cause and the fix, with the run's own numbers as evidence.
 */
import type { Measurements } from '../checks/check.ts';
import { DEFAULT_CHECK_CONTEXT, type CheckContext, type CheckContextInput } from '../checks/context.ts';
import type { SloSpec } from './spec.ts';

/** A measurement for a sentence: rounded, with its unit, or "n/a". */
function v(m: Measurements, key: string, unit = ''): string {
  const x = m[key];
  if (x === null || x === undefined) return 'n/a';
  const r = Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
  return `${r}${unit}`;
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
  'use `proxy_http_version 1.1`, and keep gzip off for text/event-stream';

export function defaultSlos(input: CheckContextInput = {}): SloSpec[] {
  const ctx: CheckContext = {
    ...DEFAULT_CHECK_CONTEXT,
    ...input,
    backoff: { ...DEFAULT_CHECK_CONTEXT.backoff, ...input.backoff },
  };
  const hb = ctx.heartbeatMs;
  const liveBudget = Math.max(1000, hb);
  // p90 - p10 of a uniform jitter window W is 0.8 W: a quarter of the smallest window is a safe floor.
  const jitterFloor = Math.max(20, Math.round(0.25 * Math.min(ctx.retryJitterMs, ctx.backoff.initialMs)));
  const recoveryBudget = Math.max(ctx.retryMs + ctx.retryJitterMs, ctx.backoff.maxMs) + 2 * hb;
  return [
    {
      name: 'no-silent-loss',
      description:
        'Every acknowledged event reaches every subscriber, or the server says it is gone (reset).',
      measurement: 'delivery.silentGaps',
      comparator: '<=',
      threshold: 0,
      unit: 'events',
      diagnose: (m) => {
        const noId = m['delivery.silentGapsNoLastEventId'] ?? 0;
        return (
          `${v(m, 'delivery.silentGaps')} acknowledged events never reached ${v(m, 'delivery.subscribersWithLoss')} ` +
          `subscriber(s) and no \`event: reset\` declared the gap. ` +
          (noId > 0
            ? `${noId} of them were published while a subscriber that had not received any event yet was ` +
              `reconnecting: it came back without Last-Event-ID, so the server could not replay. Fix: send an ` +
              `\`id:\` line (the log's current head) right after a stream opens, so every client has a resume ` +
              `position. `
            : '') +
          ((m['buffering.burstiness'] ?? 0) >= 0.5
            ? `Events arrived in bursts: the last ones were probably still held in a proxy buffer when the run ` +
              `ended; ${BUFFERING_FIX}. `
            : '') +
          `Other causes: replay after a reconnect does not start right after Last-Event-ID; the stream is ` +
          `registered for live events only after headers were flushed; or retention dropped events without a ` +
          `reset. Fix: subscribe before writing headers, replay strictly after the Last-Event-ID, and send ` +
          `\`event: reset\` whenever the id is unknown or expired.`
        );
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
      diagnose: (m) =>
        `${v(m, 'delivery.duplicates')} events arrived more than once: the replay includes the event named in ` +
        `Last-Event-ID (it must start strictly after it), ids are not unique (e.g. restarted counters after a ` +
        `restart), or the client sends a stale Last-Event-ID after reconnecting.`,
    },
    {
      name: 'in-order',
      description: 'Events of a topic arrive in publish order, also across reconnects and replays.',
      measurement: 'delivery.reorders',
      comparator: '<=',
      threshold: 0,
      unit: 'events',
      diagnose: (m) =>
        `${v(m, 'delivery.reorders')} events arrived after a later event of the same topic: live events are ` +
        `written while the replay is still running (queue live events until the replay is done), or the log ` +
        `orders events differently from their acknowledgement.`,
    },
    {
      name: 'latency-p99',
      description: 'Outside faults, 99% of events arrive within one heartbeat interval of their publish.',
      measurement: 'latency.outsideFault.p99',
      comparator: '<=',
      threshold: liveBudget,
      unit: 'ms',
      diagnose: (m) => {
        const bursty = (m['buffering.burstiness'] ?? 0) >= 0.5;
        return (
          `p99 publish-to-receive latency outside faults was ${v(m, 'latency.outsideFault.p99', ' ms')} ` +
          `(p50 ${v(m, 'latency.outsideFault.p50', ' ms')}). ` +
          (bursty
            ? `Events arrived in ${kib(m['buffering.burstBytesP50'])} bursts: a proxy is buffering the response; ${BUFFERING_FIX}.`
            : `No burst pattern: look for a saturated target (event loop lag under the fleet's load, a slow ` +
              `per-client write path) or a slow link; scale the target or reduce per-event work.`)
        );
      },
    },
    {
      name: 'heartbeat-silence',
      description: `Healthy streams never go silent for more than 2.5 heartbeats (${2.5 * hb} ms), so idle timers never fire.`,
      measurement: 'heartbeat.maxSilenceOutsideFaultMs',
      comparator: '<=',
      threshold: 2.5 * hb,
      unit: 'ms',
      diagnose: (m) =>
        `a stream outside any fault went ${v(m, 'heartbeat.maxSilenceOutsideFaultMs', ' ms')} without a byte ` +
        `(heartbeat expected every ${hb} ms): heartbeats are not sent on schedule (a blocked event loop, ` +
        `heartbeats only on some streams) or an intermediary holds them back (buffering). Send an SSE comment ` +
        `on every stream every heartbeat interval regardless of traffic, and flush it.`,
    },
    {
      name: 'no-idle-cuts',
      description:
        'No intermediary cuts an idle stream: heartbeats must beat every idle timeout on the path.',
      measurement: 'heartbeat.idleCuts',
      comparator: '<=',
      threshold: 0,
      unit: 'connections',
      diagnose: (m) =>
        `${v(m, 'heartbeat.idleCuts')} streams were cut with no fault active, after ~` +
        `${v(m, 'heartbeat.idleCutSilenceP50Ms', ' ms')} of silence (median stream age ` +
        `${v(m, 'heartbeat.idleCutAgeP50Ms', ' ms')}): an intermediary's read/idle timeout (nginx ` +
        `proxy_read_timeout, a load balancer idle timeout) is shorter than the gap between bytes. Send ` +
        `heartbeats at most half the smallest idle timeout on the path, or raise that timeout for the stream location.`,
    },
    {
      name: 'no-reconnect-storm',
      description: `After a mass disconnect, at most 60% of the fleet reconnects within any ${ctx.stormWindowMs} ms (jitter spreads the herd).`,
      measurement: 'reconnect.herdFraction',
      comparator: '<=',
      // Jittered fleets measured 0.27-0.4 (20-200 subscribers); an unjittered herd is ~1.
      threshold: 0.6,
      unit: 'fraction of fleet',
      diagnose: (m) =>
        `${pct(m['reconnect.herdFraction'])} of the fleet reconnected within ${ctx.stormWindowMs} ms ` +
        `(peak ${v(m, 'reconnect.peakPerSec')} attempts in one second; first-attempt spread ` +
        `${v(m, 'reconnect.spreadMs', ' ms')}): clients cut together came back together. Send \`retry:\` with a ` +
        `random per-connection jitter spread over a few seconds, and use capped exponential backoff with full ` +
        `jitter in non-browser clients.`,
    },
    {
      name: 'reconnect-jitter',
      description: `First reconnects after a mass cut are spread out (p90 - p10 >= ${jitterFloor} ms), proving jitter works.`,
      measurement: 'reconnect.spreadMs',
      comparator: '>=',
      threshold: jitterFloor,
      unit: 'ms',
      diagnose: (m) =>
        `the fleet's first reconnect attempts after a mass cut spread over only ${v(m, 'reconnect.spreadMs', ' ms')} ` +
        `(p90 - p10): the \`retry:\` value is the same for every connection and the clients add no jitter. ` +
        `Add per-connection random jitter to \`retry:\` (and full jitter to client backoff).`,
    },
    {
      name: 'recovery-time',
      description: `After the last fault ends, every subscriber still trying streams again within ${recoveryBudget} ms.`,
      measurement: 'reconnect.recoveryMs',
      comparator: '<=',
      threshold: recoveryBudget,
      unit: 'ms',
      diagnose: (m) =>
        `the slowest subscriber streamed again ${v(m, 'reconnect.recoveryMs', ' ms')} after the last fault ended` +
        ((m['reconnect.unrecovered'] ?? 0) > 0
          ? ` and ${v(m, 'reconnect.unrecovered')} never did before the run ended: a dead (half-open) stream ` +
            `was never detected (the client needs an idle watchdog of a few heartbeats) or the target did not come back`
          : '') +
        `. Check the reconnect delays (browser p50 ${v(m, 'reconnect.delayP50.browser', ' ms')}, backoff p50 ` +
        `${v(m, 'reconnect.delayP50.backoff', ' ms')}): lower the \`retry:\` value or the backoff cap, and make ` +
        `sure the target is ready before the proxy sends it traffic.`,
    },
    {
      name: 'no-give-up',
      description:
        'No subscriber stops reconnecting for good (a browser EventSource gives up on any non-200).',
      measurement: 'reconnect.gaveUp',
      comparator: '<=',
      threshold: 0,
      unit: 'subscribers',
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
      name: 'backoff-policy',
      description:
        'Every reconnect delay obeys the client policy (browser: the retry hint; backoff: within [0, cap]).',
      measurement: 'reconnect.policyViolations',
      comparator: '<=',
      threshold: 0,
      unit: 'delays',
      diagnose: (m) =>
        `${v(m, 'reconnect.policyViolations')} reconnect delays broke the policy (browser must wait the last ` +
        `\`retry:\` value, default ${ctx.browserDefaultRetryMs} ms; backoff must stay within [0, ${ctx.backoff.maxMs}] ms): ` +
        `the client ignores \`retry:\`, does not cap its backoff, or lets a huge \`retry:\` (> 2^31-1 ms) ` +
        `overflow setTimeout into a 1 ms storm. Clamp retry values.`,
    },
    {
      name: 'no-proxy-buffering',
      description:
        'Steady publishes arrive steadily, not in bursts after silence (no proxy buffering the stream).',
      measurement: 'buffering.burstiness',
      comparator: '<=',
      threshold: 0.5,
      unit: 'ratio',
      diagnose: (m) =>
        `${pct(m['buffering.burstiness'])} of events published apart arrived together, in bursts of ` +
        `${kib(m['buffering.burstBytesP50'])} of event data (largest ${kib(m['buffering.maxBurstBytes'])}): the proxy is ` +
        `buffering the upstream response; ${BUFFERING_FIX}.`,
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
        `p95 ${v(m, 'buffering.ttfbP95', ' ms')}): a proxy holds the response until its buffer fills or the first ` +
        `event flushes the headers; ${BUFFERING_FIX}. If only replays are slow, the replay path is too slow.`,
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
        `headers and an initial \`retry:\`/comment immediately, or a proxy buffers until ~4 KiB accumulate; ` +
        `${BUFFERING_FIX}.`,
    },
    {
      name: 'graceful-shutdown',
      description: `On SIGTERM every open stream gets a retry hint and ends within the grace period (${ctx.graceMs} ms).`,
      measurement: 'shutdown.withoutHint',
      comparator: '==',
      threshold: 0,
      unit: 'streams',
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
        'An event the target acknowledged survives a stop or crash: someone receives it after the restart.',
      measurement: 'shutdown.lostAcknowledged',
      comparator: '<=',
      threshold: 0,
      unit: 'events',
      diagnose: (m) =>
        `${v(m, 'shutdown.lostAcknowledged')} acknowledged publishes were received by no subscriber: the target ` +
        `acknowledged before the event was durable (answer only after the append reached the journal, fsync per ` +
        `your documented policy), or ids restarted after the restart so replay skipped them.`,
    },
    {
      name: 'no-connection-leak',
      description: "The target's active connections return to their baseline after the run.",
      measurement: 'server.connectionLeak',
      comparator: '<=',
      threshold: 0,
      unit: 'connections',
      diagnose: (m) =>
        `the target reports ${v(m, 'server.connectionLeak')} more active connections after the run than before ` +
        `(${v(m, 'server.activeConnectionsBefore')} -> ${v(m, 'server.activeConnectionsAfter')}): closed streams ` +
        `are not cleaned up. Listen for the response's 'close', clear heartbeat timers and subscriptions there, ` +
        `and decrement the gauge exactly once per stream.`,
    },
  ];
}

/** The defaults for the suite's default timing. */
export const DEFAULT_SLOS: readonly SloSpec[] = defaultSlos();
