/**
 * An SLO: a named threshold on one measurement, with why it matters and how to read a failure.
 * Specs are data plus one pure function (`diagnose`), so scenarios and config files can override
 * thresholds without touching the logic.
 */
import type { Measurements } from '../checks/check.ts';

export type Comparator = '<=' | '>=' | '==';

export interface SloSpec {
  name: string;
  /** Why it matters, one sentence (shown in reports). */
  description: string;
  /** The measurement key it judges, e.g. `delivery.silentGaps`. */
  measurement: string;
  comparator: Comparator;
  threshold: number;
  unit: string;
  /** A null measurement (not applicable: no fault, no SIGTERM) fails instead of passing. */
  required?: boolean;
  /** Disabled SLOs are dropped by resolveSlos. Default true. */
  enabled?: boolean;
  /** Plain words, cause and fix, for a failed SLO; reads any measurement for evidence. */
  diagnose(measurements: Measurements): string;
}

export const COMPARATORS: readonly Comparator[] = ['<=', '>=', '=='];

export function compare(measured: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '<=':
      return measured <= threshold;
    case '>=':
      return measured >= threshold;
    case '==':
      return measured === threshold;
  }
}
