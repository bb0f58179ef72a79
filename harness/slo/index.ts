/** Public surface of the SLO layer: specs, defaults, overrides, evaluation and the verdict. */
export type { Comparator, SloSpec } from './spec.ts';
export { compare, COMPARATORS } from './spec.ts';
export { DEFAULT_SLOS, defaultSlos } from './defaults.ts';
export type { SloOverride, SloOverrides } from './resolve.ts';
export { resolveSlos } from './resolve.ts';
export { evaluateSlos } from './evaluate.ts';
export type { VerdictOutcome } from './verdict.ts';
export { verdictFor } from './verdict.ts';
