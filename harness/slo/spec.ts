/**
 * An SLO: a named threshold on one measurement, with why it matters, what it rests on, and how to
 * read a failure. Specs are data plus one pure function (`diagnose`), so scenarios, config files and
 * the command line can override thresholds without touching the logic.
 */
import type { MeasurementKey, Measurements } from '../checks/keys.ts';

export type Comparator = '<=' | '>=' | '==';

/** What a scenario does, as far as deciding which SLOs can judge it (computed by the run plan). */
export interface ScenarioFeatures {
  /** Any fault at all. */
  faults: boolean;
  /** A latency toxic (its in-fault latency is judged against what was injected). */
  latencyFault: boolean;
  /** A fault that cuts many streams at once (cut, blackhole, limit-data, a target stop). */
  massCut: boolean;
  /** Some subscribers obey `retry:` (browser model, real browsers): storms can be judged. */
  retryObeyingClients: boolean;
  /** Real browsers in the fleet: their tabs share connections (and a browser's limits). */
  realBrowsers: boolean;
  /** A target SIGTERM. */
  sigterm: boolean;
  /** A target stop (SIGTERM, SIGKILL). */
  targetStop: boolean;
  /** A stop of one instance of several (the others keep serving: its clients fail over). */
  instanceStop?: boolean;
  /** The target declared a durable log. */
  durable: boolean;
  /** The target declared its replay retention. */
  retention: boolean;
  /** The scenario overflows the declared retention on purpose: a declared gap is required. */
  gapExpected: boolean;
}

export interface SloSpec {
  name: string;
  /** Why it matters, one sentence (shown in reports). */
  description: string;
  /** The measurement it judges. */
  measurement: MeasurementKey;
  comparator: Comparator;
  threshold: number;
  unit: string;
  /**
   * The count this verdict rests on (events, connections, subscribers). With zero evidence a
   * required SLO fails: "nothing was judged" is never a pass.
   */
  evidence?: MeasurementKey;
  /**
   * Default true: a null measurement (not measured in this run) fails. False: null is reported as
   * not measured and left out of the verdict (e.g. a target without /metrics).
   */
  required?: boolean;
  /** Disabled SLOs are dropped by resolveSlos. Default true. */
  enabled?: boolean;
  /** When this SLO applies to a scenario; default: always. */
  appliesTo?(f: ScenarioFeatures): boolean;
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
