import { describe, it, expect } from 'vitest';
import { evaluateSlos } from '../../harness/slo/evaluate.ts';
import type { SloSpec } from '../../harness/slo/spec.ts';

function spec(o: Partial<SloSpec> = {}): SloSpec {
  return {
    name: 'x',
    description: 'x matters',
    measurement: 'm.x',
    comparator: '<=',
    threshold: 10,
    unit: 'ms',
    diagnose: (m) => `x was ${m['m.x']} because of y`,
    ...o,
  };
}

describe('evaluateSlos', () => {
  it('applies each comparator and carries the spec into the result', () => {
    const [le, ge, eq] = evaluateSlos(
      [spec(), spec({ name: 'y', comparator: '>=' }), spec({ name: 'z', comparator: '==' })],
      { 'm.x': 10 },
    );
    expect(le).toEqual({
      name: 'x',
      description: 'x matters',
      measurement: 'm.x',
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
      { 'm.x': 11 },
    );
    expect([le2!.pass, ge2!.pass, eq2!.pass]).toEqual([false, true, false]);
  });

  it('explains a failure with the diagnosis, and only a failure', () => {
    const [fail] = evaluateSlos([spec()], { 'm.x': 42 });
    expect(fail).toMatchObject({ pass: false, measured: 42, diagnosis: 'x was 42 because of y' });
    const [ok] = evaluateSlos([spec()], { 'm.x': 1 });
    expect(ok!.diagnosis).toBeUndefined();
  });

  it('passes a null (not applicable) measurement unless the SLO requires it', () => {
    const [optional, required] = evaluateSlos([spec(), spec({ name: 'r', required: true })], { 'm.x': null });
    expect(optional).toMatchObject({ pass: true, measured: null });
    expect(required).toMatchObject({ pass: false, measured: null });
    expect(required!.diagnosis).toMatch(/not measured/);
  });

  it('fails an SLO whose measurement no check produced, naming the key', () => {
    const [r] = evaluateSlos([spec({ measurement: 'm.typo' })], { 'm.x': 1 });
    expect(r).toMatchObject({ pass: false, measured: null });
    expect(r!.diagnosis).toMatch(/'m\.typo'/);
  });

  it('fails a non-finite measurement instead of comparing it', () => {
    const [r] = evaluateSlos([spec({ comparator: '>=' })], { 'm.x': Number.NaN });
    expect(r!.pass).toBe(false);
  });

  it('keeps the verdict when a diagnosis throws', () => {
    const [r] = evaluateSlos(
      [
        spec({
          diagnose: () => {
            throw new Error('boom');
          },
        }),
      ],
      { 'm.x': 99 },
    );
    expect(r!.pass).toBe(false);
    expect(r!.diagnosis).toMatch(/boom/);
  });
});
