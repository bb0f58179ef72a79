/**
 * Applies SLO overrides to the default specs. One precedence, applied here and nowhere else:
 *
 *   defaults  <  project config (every scenario)  <  the scenario's own  <  the command line
 *
 * More specific beats more general (a scenario relaxes what its own fault legitimately disturbs),
 * and what is typed for this run beats every file. Later override sets win field by field.
 */
import { COMPARATORS, type Comparator, type SloSpec } from './spec.ts';

export interface SloOverride {
  threshold?: number;
  comparator?: Comparator;
  enabled?: boolean;
  /** false: a measurement this run cannot produce is reported as not measured instead of failing. */
  required?: boolean;
}

/** A threshold number, or an override object. */
export type SloOverrideInput = number | SloOverride;

export type SloOverrides = Record<string, SloOverrideInput>;

/** The sources, lowest precedence first (see the module comment). */
export interface SloOverrideSources {
  config?: SloOverrides;
  scenario?: SloOverrides;
  cli?: SloOverrides;
}

function normalize(o: SloOverrideInput): SloOverride {
  return typeof o === 'number' ? { threshold: o } : o;
}

/**
 * Returns the enabled specs with overrides applied. Unknown SLO names, non-finite thresholds and
 * unknown comparators are errors that name the source, the culprit and the choices.
 */
export function resolveSlos(defaults: readonly SloSpec[], sources: SloOverrideSources = {}): SloSpec[] {
  const byName = new Map(defaults.map((s) => [s.name, { ...s }]));
  const ordered: [string, SloOverrides | undefined][] = [
    ['config slos', sources.config],
    ['scenario slos', sources.scenario],
    ['--slo', sources.cli],
  ];
  for (const [origin, overrides] of ordered) {
    if (!overrides) continue;
    for (const [name, input] of Object.entries(overrides)) {
      const spec = byName.get(name);
      if (!spec) {
        throw new Error(`${origin}: unknown SLO '${name}'; known SLOs are ${[...byName.keys()].join(', ')}`);
      }
      const o = normalize(input);
      if (o.threshold !== undefined) {
        if (typeof o.threshold !== 'number' || !Number.isFinite(o.threshold)) {
          throw new Error(
            `${origin}: SLO '${name}': threshold must be a finite number, got ${String(o.threshold)}`,
          );
        }
        spec.threshold = o.threshold;
      }
      if (o.comparator !== undefined) {
        if (!COMPARATORS.includes(o.comparator)) {
          throw new Error(
            `${origin}: SLO '${name}': comparator must be one of ${COMPARATORS.join(' ')}, got ${String(o.comparator)}`,
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
