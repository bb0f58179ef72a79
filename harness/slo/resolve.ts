/** Applies per-scenario / config / CLI overrides to SLO specs, refusing names that do not exist. */
import { COMPARATORS, type Comparator, type SloSpec } from './spec.ts';

export interface SloOverride {
  threshold?: number;
  comparator?: Comparator;
  enabled?: boolean;
  required?: boolean;
}

export type SloOverrides = Record<string, SloOverride>;

/**
 * Returns the enabled specs with overrides applied (later override sets win). Unknown SLO names,
 * non-finite thresholds and unknown comparators are errors that name the culprit and the choices.
 */
export function resolveSlos(
  defaults: readonly SloSpec[],
  ...overrideSets: (SloOverrides | undefined)[]
): SloSpec[] {
  const byName = new Map(defaults.map((s) => [s.name, { ...s }]));
  for (const overrides of overrideSets) {
    if (!overrides) continue;
    for (const [name, o] of Object.entries(overrides)) {
      const spec = byName.get(name);
      if (!spec) {
        throw new Error(
          `unknown SLO '${name}' in overrides: known SLOs are ${[...byName.keys()].join(', ')}`,
        );
      }
      if (o.threshold !== undefined) {
        if (typeof o.threshold !== 'number' || !Number.isFinite(o.threshold)) {
          throw new Error(`SLO '${name}': threshold must be a finite number, got ${String(o.threshold)}`);
        }
        spec.threshold = o.threshold;
      }
      if (o.comparator !== undefined) {
        if (!COMPARATORS.includes(o.comparator)) {
          throw new Error(
            `SLO '${name}': comparator must be one of ${COMPARATORS.join(' ')}, got ${String(o.comparator)}`,
          );
        }
        spec.comparator = o.comparator;
      }
      if (o.enabled !== undefined) spec.enabled = o.enabled;
      if (o.required !== undefined) spec.required = o.required;
    }
  }
  return [...byName.values()].filter((s) => s.enabled !== false);
}
