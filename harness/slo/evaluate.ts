/** Measurements + SLO specs -> SLO results (the `slos[]` of results.json). */
import type { Measurements } from '../checks/keys.ts';
import type { SloResult } from '../results/results.ts';
import { compare, type SloSpec } from './spec.ts';

/**
 * A judged SLO passes only on evidence:
 * - a key no check produced (undefined) fails: an SLO must never pass on a typo;
 * - a required SLO whose evidence count is zero fails: nothing was judged;
 * - a null measurement fails a required SLO, and is reported as not measured otherwise.
 */
export function evaluateSlos(specs: readonly SloSpec[], measurements: Measurements): SloResult[] {
  return specs.map((spec) => {
    const required = spec.required !== false;
    const evidence =
      spec.evidence === undefined
        ? undefined
        : { measurement: spec.evidence, value: measurements[spec.evidence] ?? null };
    const base = {
      name: spec.name,
      description: spec.description,
      measurement: spec.measurement,
      comparator: spec.comparator,
      threshold: spec.threshold,
      unit: spec.unit,
      ...(evidence ? { evidence } : {}),
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
    if (required && evidence && !(evidence.value !== null && evidence.value > 0)) {
      return {
        ...base,
        measured: raw,
        pass: false,
        diagnosis:
          `no evidence: '${evidence.measurement}' was ${evidence.value ?? 'not measured'}, so this SLO judged nothing ` +
          `and cannot pass. ${safeDiagnose(spec, measurements)}`,
      };
    }
    if (raw === null) {
      if (!required) return { ...base, measured: null, pass: true, notMeasured: true };
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
