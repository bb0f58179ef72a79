import { describe, it, expect } from 'vitest';
import { evaluateSlos } from '../../harness/slo/evaluate.ts';
import type { SloSpec } from '../../harness/slo/spec.ts';

function spec(o: Partial<SloSpec> = {}): SloSpec {
  return {
    name: 'x',
    description: 'x matters',
    measurement: 'latency.p99',
    comparator: '<=',
    threshold: 10,
    unit: 'ms',
    diagnose: (m) => `x was ${m['latency.p99']} because of y`,
    ...o,
  };
}

describe('evaluateSlos', () => {
  it('applies each comparator and carries the spec into the result', () => {
    const [le, ge, eq] = evaluateSlos(
      [spec(), spec({ name: 'y', comparator: '>=' }), spec({ name: 'z', comparator: '==' })],
      { 'latency.p99': 10 },
    );
    expect(le).toEqual({
      name: 'x',
      description: 'x matters',
      measurement: 'latency.p99',
      comparator: '<=',
      threshold: 10,
      unit: 'ms',
      measured: 10,
      pass: true,
    });
    expect(ge!.pass).toBe(true);
    expect(eq!.pass).toBe(true);
    const [le2, ge2, eq2] = evaluateSlos(
      [spec(), spec({ name: 'y', comparator: '>=' }), spec({ name: 'z', comparator: '==' })],
      { 'latency.p99': 11 },
    );
    expect([le2!.pass, ge2!.pass, eq2!.pass]).toEqual([false, true, false]);
  });

  it('explains a failure with the diagnosis, and only a failure', () => {
    const [fail] = evaluateSlos([spec()], { 'latency.p99': 42 });
    expect(fail).toMatchObject({ pass: false, measured: 42, diagnosis: 'x was 42 because of y' });
    const [ok] = evaluateSlos([spec()], { 'latency.p99': 1 });
    expect(ok!.diagnosis).toBeUndefined();
  });

  it('fails a null measurement: a judged SLO is required unless it says otherwise', () => {
    const [required, optional] = evaluateSlos([spec(), spec({ name: 'o', required: false })], {
      'latency.p99': null,
    });
    expect(required).toMatchObject({ pass: false, measured: null });
    expect(required!.diagnosis).toMatch(/not measured/);
    expect(optional).toMatchObject({ pass: true, measured: null, notMeasured: true });
  });

  it('fails an SLO that rests on no evidence, and says what it rested on', () => {
    const withEvidence = spec({ evidence: 'latency.outsideFault.count' });
    const [none] = evaluateSlos([withEvidence], { 'latency.p99': 5, 'latency.outsideFault.count': 0 });
    expect(none).toMatchObject({
      pass: false,
      evidence: { measurement: 'latency.outsideFault.count', value: 0 },
    });
    expect(none!.diagnosis).toMatch(/^no evidence: 'latency.outsideFault.count' was 0/);
    const [some] = evaluateSlos([withEvidence], { 'latency.p99': 5, 'latency.outsideFault.count': 40 });
    expect(some).toMatchObject({ pass: true, evidence: { value: 40 } });
  });

  it('fails an SLO whose measurement no check produced, naming the key', () => {
    const [r] = evaluateSlos([spec({ measurement: 'latency.p95' })], { 'latency.p99': 1 });
    expect(r).toMatchObject({ pass: false, measured: null });
    expect(r!.diagnosis).toMatch(/'latency\.p95'/);
  });

  it('fails a non-finite measurement instead of comparing it', () => {
    const [r] = evaluateSlos([spec({ comparator: '>=' })], { 'latency.p99': Number.NaN });
    expect(r!.pass).toBe(false);
  });

  it('keeps the verdict when a diagnosis throws', () => {
    const boom = spec({
      diagnose: () => {
        throw new Error('boom');
      },
    });
    const [r] = evaluateSlos([boom], { 'latency.p99': 99 });
    expect(r!.pass).toBe(false);
    expect(r!.diagnosis).toMatch(/boom/);
  });
});
