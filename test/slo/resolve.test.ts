import { describe, it, expect } from 'vitest';
import { resolveSlos } from '../../harness/slo/resolve.ts';
import type { Comparator } from '../../harness/slo/spec.ts';
import { DEFAULT_SLOS } from '../../harness/slo/defaults.ts';

describe('resolveSlos', () => {
  it('returns the defaults untouched without overrides (copies, not the originals)', () => {
    const out = resolveSlos(DEFAULT_SLOS);
    expect(out.map((s) => s.name)).toEqual(DEFAULT_SLOS.map((s) => s.name));
    out[0]!.threshold = 123;
    expect(DEFAULT_SLOS[0]!.threshold).not.toBe(123);
  });

  it('applies thresholds, comparators and enabled flags; later sets win', () => {
    const out = resolveSlos(
      DEFAULT_SLOS,
      { 'latency-p99': { threshold: 2000 }, 'no-idle-cuts': { enabled: false } },
      { 'latency-p99': { threshold: 3000, comparator: '>=' }, 'recovery-time': { required: true } },
    );
    const p99 = out.find((s) => s.name === 'latency-p99')!;
    expect(p99.threshold).toBe(3000);
    expect(p99.comparator).toBe('>=');
    expect(out.some((s) => s.name === 'no-idle-cuts')).toBe(false);
    expect(out.find((s) => s.name === 'recovery-time')!.required).toBe(true);
  });

  it('rejects an unknown SLO name and lists the known ones', () => {
    expect(() => resolveSlos(DEFAULT_SLOS, { 'no-silent-los': { threshold: 1 } })).toThrow(
      /unknown SLO 'no-silent-los' in overrides: known SLOs are no-silent-loss, no-duplicates/,
    );
  });

  it('rejects a non-finite threshold and an unknown comparator, naming the SLO', () => {
    expect(() => resolveSlos(DEFAULT_SLOS, { 'latency-p99': { threshold: Number.NaN } })).toThrow(
      /SLO 'latency-p99': threshold must be a finite number/,
    );
    expect(() => resolveSlos(DEFAULT_SLOS, { 'latency-p99': { comparator: '<' as Comparator } })).toThrow(
      /SLO 'latency-p99': comparator must be one of <= >= ==, got </,
    );
  });
});
