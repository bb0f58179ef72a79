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

export const MODEL_PROFILE: ClientProfileName = 'browser';
export const REALITY_PROFILE: ClientProfileName = 'chromium';

/** SLOs that judge only the modelled profiles: a real browser's delays are measured, not a policy. */
const MODEL_ONLY = new Set(['backoff-policy']);

/** A documented way Chromium and the model differ, and when a run shows it. */
export interface KnownDifference {
  id: string;
  /** The SLOs it makes disagree. */
  slos: readonly string[];
  /** Whether this run shows it (from each side's measurements). */
  shows(model: Measurements, reality: Measurements): boolean;
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
): ModelCheck | undefined {
  const model = subscribersOf(records, MODEL_PROFILE);
  const reality = subscribersOf(records, REALITY_PROFILE);
  if (model === 0 || reality === 0) return undefined;
  const mm = runChecks(profileHistory(records, MODEL_PROFILE), ctx);
  const rm = runChecks(profileHistory(records, REALITY_PROFILE), ctx);
  const ms = evaluateSlos([...slos], mm);
  const rs = evaluateSlos([...slos], rm);
  const comparisons: ModelComparison[] = ms.map((m, i) => {
    const r = rs[i]!;
    const mv = sideVerdict(m);
    const rv = MODEL_ONLY.has(m.name) ? 'n/a' : sideVerdict(r);
    const outcome = mv === 'n/a' || rv === 'n/a' ? 'not comparable' : mv === rv ? 'agree' : 'disagree';
    const known =
      outcome === 'disagree'
        ? KNOWN_DIFFERENCES.find((d) => d.slos.includes(m.name) && d.shows(mm, rm))
        : undefined;
    return {
      slo: m.name,
      model: mv,
      reality: rv,
      modelMeasured: m.measured,
      realityMeasured: r.measured,
      outcome,
      ...(known ? { known: `${known.id}: ${known.explanation}` } : {}),
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
