/** Public surface of the SLO layer: thresholds on measurements -> verdicts. */
export { ABSOLUTE, defaultSlos, SLO_NAMES, type SloBudgets } from './defaults.ts';
export { evaluateSlos } from './evaluate.ts';
export {
  resolveSlos,
  type SloOverride,
  type SloOverrideInput,
  type SloOverrides,
  type SloOverrideSources,
} from './resolve.ts';
export { compare, COMPARATORS, type Comparator, type ScenarioFeatures, type SloSpec } from './spec.ts';
export { verdictFor, type VerdictOutcome } from './verdict.ts';
