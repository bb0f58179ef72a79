/**
 * The model check: is our model of a browser's EventSource (the `browser` profile,
 * harness/client/subscriber.ts) judged the way a real browser (`chromium`) is, in the same run?
 *
 * Both profiles ran side by side through the same path, faults and workload. Every SLO of the plan is
 * judged twice more, on each profile's records alone (plus every record that belongs to no subscriber:
 * publishes, faults, phases), with the same thresholds. Where one side has no evidence for an SLO
 * (too few subscribers for a storm verdict, nothing it applies to) the pair is "not comparable";
 * otherwise the two verdicts agree or disagree. A disagreement that a documented difference between
 * Chromium and the model explains is reported with that explanation and not counted; any other is a
 * finding: the model is wrong for that case (or Chromium changed), and the run is not as expected.
 */
import { runChecks } from '../checks/index.ts';
import type { CheckContext } from '../checks/context.ts';
import type { Measurements } from '../checks/keys.ts';
import type { ClientProfileName, HistoryRecord } from '../history/records.ts';
import type { ModelCheck, ModelComparison, SloResult } from '../results/results.ts';
import { evaluateSlos, type SloSpec } from '../slo/index.ts';
import type { LoopLag } from './loop-lag.ts';

export const MODEL_PROFILE: ClientProfileName = 'browser';
export const REALITY_PROFILE: ClientProfileName = 'chromium';

/** SLOs that judge only the modelled profiles: a real browser's delays are measured, not a policy. */
const MODEL_ONLY = new Set(['backoff-policy']);

/**
 * SLOs judged on when things happened to the millisecond: the model's times are taken on the
 * harness's event loop, so a lagging loop (loop-lag.ts) can move them, not the model's behaviour.
 */
export const TIMING_SLOS: ReadonlySet<string> = new Set([
  'latency-p99',
  'latency-in-fault',
  'heartbeat-silence',
  'no-idle-cuts',
  'no-reconnect-storm',
  'reconnect-jitter',
  'recovery-time',
  'no-proxy-buffering',
  'first-event-delay',
  'time-to-first-byte',
]);

/**
 * The loop lagged too much for timing verdicts to be compared: a p99 delay above this, or one stall
 * longer than the storm window (reconnect timers due during it fire together, a herd of our making).
 */
export const LAG_LIMIT = { p99Ms: 50, maxMs: 100 } as const;

export function lagged(lag: LoopLag | undefined): boolean {
  return lag !== undefined && (lag.p99Ms > LAG_LIMIT.p99Ms || lag.maxMs > LAG_LIMIT.maxMs);
}

/** A documented way Chromium and the model differ, and when a run shows it. */
export interface KnownDifference {
  id: string;
  /** The SLOs it makes disagree. */
  slos: readonly string[];
  /** Whether this run shows it (from each side's measurements, or the real browsers' own records). */
  shows(model: Measurements, reality: Measurements, realityRecords: readonly HistoryRecord[]): boolean;
  /** What Chromium does and what the model does, in words (the report shows it). */
  explanation: string;
}

/**
 * The differences we measured and chose to document rather than model (harness/client/chromium/README.md
 * lists every difference and what was done about each).
 */
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'http1-connection-cap',
    slos: ['no-queued-streams', 'subscribers-opened'],
    shows: (_m, r) => (r['reconnect.queuedAttempts'] ?? 0) > 0,
    explanation:
      'over HTTP/1.1 Chromium opens at most 6 connections per origin per browser context, so a 7th EventSource ' +
      'waits for a socket with no error; each modelled subscriber is its own client with its own connections.',
  },
  {
    id: 'host-network-change',
    slos: ['no-reconnect-storm', 'reconnect-jitter', 'recovery-time', 'heartbeat-silence', 'no-idle-cuts'],
    shows: (_m, _r, records) =>
      records.some((r) => r.kind === 'close' && r.detail === 'net::ERR_NETWORK_CHANGED'),
    explanation:
      "the host's IP addresses changed during the run (e.g. Docker creating a network or a container: the " +
      'containers runtime does) and Chromium failed its requests with ERR_NETWORK_CHANGED, then retried them ' +
      'together; the model does not watch the host network. Run real-browser scenarios on the local runtime.',
  },
];

/** One profile's part of the history: its subscribers' records and every record of no subscriber. */
export function profileHistory(
  records: readonly HistoryRecord[],
  profile: ClientProfileName,
): HistoryRecord[] {
  const subs = new Set<number>();
  for (const r of records) if (r.kind === 'subscriber' && r.profile === profile) subs.add(r.sub);
  return records.filter((r) => !('sub' in r) || subs.has(r.sub));
}

function subscribersOf(records: readonly HistoryRecord[], profile: ClientProfileName): number {
  let n = 0;
  for (const r of records) if (r.kind === 'subscriber' && r.profile === profile) n++;
  return n;
}

/** One side's verdict on an SLO: `n/a` when it rests on no evidence there. */
export function sideVerdict(slo: SloResult): 'pass' | 'fail' | 'n/a' {
  if (slo.notMeasured || slo.measured === null) return 'n/a';
  if (slo.evidence && !((slo.evidence.value ?? 0) > 0)) return 'n/a';
  return slo.pass ? 'pass' : 'fail';
}

/**
 * Compares the model's and the real browsers' verdicts, SLO by SLO; undefined unless the run had
 * subscribers of both profiles. `records` must be in time order (judge.ts `inTimeOrder`).
 */
export function compareProfiles(
  slos: readonly SloSpec[],
  records: readonly HistoryRecord[],
  ctx: CheckContext,
  lag?: LoopLag,
): ModelCheck | undefined {
  const unreliableTiming = lagged(lag);
  const model = subscribersOf(records, MODEL_PROFILE);
  const reality = subscribersOf(records, REALITY_PROFILE);
  if (model === 0 || reality === 0) return undefined;
  const realityRecords = profileHistory(records, REALITY_PROFILE);
  const mm = runChecks(profileHistory(records, MODEL_PROFILE), ctx);
  const rm = runChecks(realityRecords, ctx);
  const ms = evaluateSlos([...slos], mm);
  const rs = evaluateSlos([...slos], rm);
  const comparisons: ModelComparison[] = ms.map((m, i) => {
    const r = rs[i]!;
    const mv = sideVerdict(m);
    const rv = MODEL_ONLY.has(m.name) ? 'n/a' : sideVerdict(r);
    let outcome: ModelComparison['outcome'] =
      mv === 'n/a' || rv === 'n/a' ? 'not comparable' : mv === rv ? 'agree' : 'disagree';
    const known =
      outcome === 'disagree'
        ? KNOWN_DIFFERENCES.find((d) => d.slos.includes(m.name) && d.shows(mm, rm, realityRecords))
        : undefined;
    // A timing disagreement while our own loop lagged says nothing about the model.
    // (So is one side's missing evidence for it: a stalled loop spreads the model's closes apart, so its
    // mass cut may not be seen as one.)
    let note: string | undefined;
    const oneSided = outcome === 'not comparable' && (mv === 'n/a') !== (rv === 'n/a');
    if ((oneSided || (outcome === 'disagree' && !known)) && unreliableTiming && TIMING_SLOS.has(m.name)) {
      outcome = 'not comparable';
      note =
        `the harness's event loop lagged (p99 ${lag!.p99Ms} ms, max ${lag!.maxMs} ms; limit ${LAG_LIMIT.p99Ms} / ` +
        `${LAG_LIMIT.maxMs} ms) and the model's times are taken on it: timing is not compared on this run`;
    }
    return {
      slo: m.name,
      model: mv,
      reality: rv,
      modelMeasured: m.measured,
      realityMeasured: r.measured,
      outcome,
      ...(known ? { known: `${known.id}: ${known.explanation}` } : {}),
      ...(note ? { note } : {}),
    };
  });
  return {
    model: MODEL_PROFILE,
    reality: REALITY_PROFILE,
    subscribers: { model, reality },
    comparisons,
    disagreements: comparisons.filter((c) => c.outcome === 'disagree' && c.known === undefined).length,
  };
}
