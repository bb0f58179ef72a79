/**
 * The scenario verdict and whether it met the expectation.
 *
 * verdict: 'pass' iff every judged SLO passed (an SLO reported as not measured is not judged).
 * asExpected:
 * - expected 'pass' (or an empty list): the verdict is 'pass';
 * - expected a list of SLO names: exactly those SLOs failed. Every named SLO must fail (the detector
 *   caught its fault) and no other may fail (an extra failure is a finding, not noise).
 */
import type { SloResult } from '../results/results.ts';

export interface VerdictOutcome {
  verdict: 'pass' | 'fail';
  asExpected: boolean;
  /** SLOs that failed but were not expected to. */
  unexpectedFailures: string[];
  /** Expected violations that did not happen (or name no evaluated SLO). */
  missingViolations: string[];
}

export function verdictFor(
  results: readonly SloResult[],
  expected: 'pass' | readonly string[],
): VerdictOutcome {
  const failed = results.filter((r) => !r.pass).map((r) => r.name);
  const verdict = failed.length === 0 ? 'pass' : 'fail';
  const want = new Set(expected === 'pass' ? [] : expected);
  const unexpectedFailures = failed.filter((n) => !want.has(n));
  const failedSet = new Set(failed);
  const missingViolations = [...want].filter((n) => !failedSet.has(n));
  return {
    verdict,
    asExpected: unexpectedFailures.length === 0 && missingViolations.length === 0,
    unexpectedFailures,
    missingViolations,
  };
}
