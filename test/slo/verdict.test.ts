import { describe, it, expect } from 'vitest';
import { verdictFor } from '../../harness/slo/verdict.ts';
import type { SloResult } from '../../harness/results/results.ts';

function result(name: string, pass: boolean): SloResult {
  return {
    name,
    description: '',
    measurement: 'm',
    comparator: '<=',
    threshold: 0,
    measured: pass ? 0 : 1,
    unit: '',
    pass,
  };
}

describe('verdictFor', () => {
  it('passes as expected when every SLO passed and a pass was expected', () => {
    expect(verdictFor([result('a', true), result('b', true)], 'pass')).toEqual({
      verdict: 'pass',
      asExpected: true,
      unexpectedFailures: [],
      missingViolations: [],
    });
  });

  it('a failure where a pass was expected is not as expected', () => {
    expect(verdictFor([result('a', false), result('b', true)], 'pass')).toMatchObject({
      verdict: 'fail',
      asExpected: false,
      unexpectedFailures: ['a'],
    });
  });

  it('expected violations: as expected iff exactly the named SLOs failed', () => {
    const rs = [result('buffering', false), result('latency', false), result('loss', true)];
    expect(verdictFor(rs, ['buffering', 'latency'])).toMatchObject({ verdict: 'fail', asExpected: true });
  });

  it('an expected violation that did not happen means the detector missed the fault', () => {
    const rs = [result('buffering', true), result('latency', true)];
    expect(verdictFor(rs, ['buffering'])).toMatchObject({
      verdict: 'pass',
      asExpected: false,
      missingViolations: ['buffering'],
    });
  });

  it('an extra failure beside the expected one is a finding, not as expected', () => {
    const rs = [result('buffering', false), result('loss', false)];
    expect(verdictFor(rs, ['buffering'])).toMatchObject({ asExpected: false, unexpectedFailures: ['loss'] });
  });

  it('an expected name that was never evaluated cannot have failed', () => {
    expect(verdictFor([result('a', true)], ['no-such-slo'])).toMatchObject({
      asExpected: false,
      missingViolations: ['no-such-slo'],
    });
  });

  it('leaves an SLO the target does not expose (not measured) out of the verdict', () => {
    const notMeasured = { ...result('leak', true), measured: null, notMeasured: true };
    expect(verdictFor([result('a', true), notMeasured], 'pass')).toMatchObject({
      verdict: 'pass',
      asExpected: true,
    });
  });

  it('an empty expectation list means pass', () => {
    expect(verdictFor([result('a', true)], []).asExpected).toBe(true);
    expect(verdictFor([result('a', false)], []).asExpected).toBe(false);
  });
});
