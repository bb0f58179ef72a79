/** Measurements + SLO specs -> SLO results (the `slos[]` of results.json). */
import type { Measurements } from '../checks/check.ts';
import type { SloResult } from '../../reports/results.ts';
import { compare, type SloSpec } from './spec.ts';

/**
 * A null measurement means "not applicable" and passes, unless the SLO is `required`. A key no check
 * produced (undefined) fails: an SLO that names a missing measurement must never pass silently.
 */
export function evaluateSlos(specs: readonly SloSpec[], measurements: Measurements): SloResult[] {
  return specs.map((spec) => {
    const base = {
      name: spec.name,
      description: spec.description,
      measurement: spec.measurement,
      comparator: spec.comparator,
      threshold: spec.threshold,
      unit: spec.unit,
    };
    const raw = measurements[spec.measurement];
    if (raw === undefined) {
      return {
        ...base,
        measured: null,
        pass: false,
        diagnosis:
          `no check produced the measurement '${spec.measurement}': the SLO names a key that does not exist ` +
          `(a typo, or the check did not run); see harness/checks/README.md for the keys`,
      };
    }
    if (raw === null) {
      if (!spec.required) return { ...base, measured: null, pass: true };
      return {
        ...base,
        measured: null,
        pass: false,
        diagnosis: `'${spec.measurement}' was not measured in this run, but the SLO requires it: ${safeDiagnose(spec, measurements)}`,
      };
    }
    if (!Number.isFinite(raw)) {
      return {
        ...base,
        measured: null,
        pass: false,
        diagnosis: `'${spec.measurement}' is not a finite number (${String(raw)}): a check bug; report it`,
      };
    }
    const pass = compare(raw, spec.comparator, spec.threshold);
    return pass
      ? { ...base, measured: raw, pass }
      : { ...base, measured: raw, pass, diagnosis: safeDiagnose(spec, measurements) };
  });
}

/** A diagnosis that throws must not hide the verdict. */
function safeDiagnose(spec: SloSpec, m: Measurements): string {
  try {
    return spec.diagnose(m);
  } catch (err) {
    return `${spec.description} (the diagnosis itself failed: ${(err as Error).message})`;
  }
}
