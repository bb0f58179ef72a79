/**
 * The key figures shown per scenario in the summary table (HTML and Markdown), and the number
 * formatting all renderers share. Measurement keys are the checks' typed catalogue (keys.ts): a
 * renamed key is a compile error here, not a silent "n/a".
 */
import type { MeasurementKey } from '../harness/checks/keys.ts';
import type { ScenarioResult, SloResult } from '../harness/results/results.ts';

export interface KeyFigure {
  id: 'silentGaps' | 'duplicates' | 'latencyP99' | 'peakReconnects' | 'recovery';
  label: string;
  unit: string;
  value: number | null;
}

const FIGURES: { id: KeyFigure['id']; label: string; unit: string; key: MeasurementKey }[] = [
  { id: 'silentGaps', label: 'Silent gaps', unit: '', key: 'delivery.silentGaps' },
  { id: 'duplicates', label: 'Duplicates', unit: '', key: 'delivery.duplicates' },
  { id: 'latencyP99', label: 'Latency p99', unit: 'ms', key: 'latency.outsideFault.p99' },
  { id: 'peakReconnects', label: 'Peak reconnects/s', unit: '/s', key: 'reconnect.peakPerSec' },
  { id: 'recovery', label: 'Recovery', unit: 'ms', key: 'reconnect.recoveryMs' },
];

/** The five headline numbers of a scenario. */
export function keyFigures(scenario: ScenarioResult): KeyFigure[] {
  const m = scenario.measurements as Partial<Record<MeasurementKey, number | null>>;
  return FIGURES.map((f) => ({ id: f.id, label: f.label, unit: f.unit, value: m[f.key] ?? null }));
}

/** A number for humans: integers as is, others to 3 significant digits; null as "n/a". */
export function formatNumber(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  let text: string;
  if (!Number.isFinite(value)) text = value > 0 ? '∞' : '-∞';
  else if (Number.isInteger(value)) text = value.toLocaleString('en-US');
  else if (Math.abs(value) >= 100) text = Math.round(value).toLocaleString('en-US');
  else text = String(Number(value.toPrecision(3)));
  if (unit === 'ms' && Number.isFinite(value) && Math.abs(value) >= 10_000) {
    return `${Number((value / 1000).toPrecision(3))} s`;
  }
  return unit ? `${text} ${unit}`.replace(' /s', '/s').replace(' %', '%') : text;
}

/** "12.3 s" / "850 ms" for durations. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  if (Math.abs(ms) < 120_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} min ${s} s`;
}

/** Names of the SLOs a scenario expects to violate. */
export function expectedViolations(scenario: ScenarioResult): Set<string> {
  return new Set(scenario.expected === 'pass' ? [] : scenario.expected);
}

export type SloOutcome = 'pass' | 'fail' | 'expected-fail' | 'missed-expected-fail';

/** How an SLO's verdict compares with the scenario's expectation. */
export function sloOutcome(scenario: ScenarioResult, slo: SloResult): SloOutcome {
  const expectedToFail = expectedViolations(scenario).has(slo.name);
  if (expectedToFail) return slo.pass ? 'missed-expected-fail' : 'expected-fail';
  return slo.pass ? 'pass' : 'fail';
}

/** True when the SLO verdict is what the scenario expected. */
export function sloAsExpected(outcome: SloOutcome): boolean {
  return outcome === 'pass' || outcome === 'expected-fail';
}

/** "<= 250 ms" */
export function formatThreshold(slo: SloResult): string {
  return `${slo.comparator} ${formatNumber(slo.threshold, slo.unit)}`;
}

/** Expected-violation names that no judged SLO carries (a misconfigured scenario: reported, not hidden). */
export function unknownExpectedViolations(scenario: ScenarioResult): string[] {
  const judged = new Set(scenario.slos.map((s) => s.name));
  return [...expectedViolations(scenario)].filter((n) => !judged.has(n));
}

/** One-word outcome of a scenario for humans. */
export function scenarioOutcome(
  scenario: ScenarioResult,
): 'as expected' | 'unexpected' | 'error' | 'skipped' {
  if (scenario.verdict === 'skipped') return 'skipped';
  if (scenario.verdict === 'error') return 'error';
  return scenario.asExpected ? 'as expected' : 'unexpected';
}
