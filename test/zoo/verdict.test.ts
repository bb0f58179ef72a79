/**
 * The zoo's verdict is pure: results in, caught / false alarms out. A member counts as caught only
 * when its named SLO failed in its named scenario AND the diagnosis named its cause.
 */
import { describe, expect, it } from 'vitest';
import type { Results, ScenarioResult, SloResult } from '../../harness/results/results.ts';
import { judgeZoo, zooMarkdown } from '../../harness/zoo/verdict.ts';

function slo(name: string, pass: boolean, diagnosis?: string): SloResult {
  return {
    name,
    description: '',
    measurement: 'delivery.silentGaps',
    comparator: '<=',
    threshold: 0,
    measured: pass ? 0 : 1,
    unit: '',
    pass,
    ...(diagnosis ? { diagnosis } : {}),
  };
}

function results(scenarios: { name: string; slos: SloResult[]; asExpected?: boolean }[]): Results {
  return {
    scenarios: scenarios.map(
      (s) =>
        ({
          name: s.name,
          verdict: s.slos.every((x) => x.pass) ? 'pass' : 'fail',
          asExpected: s.asExpected ?? s.slos.every((x) => x.pass),
          slos: s.slos,
        }) as unknown as ScenarioResult,
    ),
  } as unknown as Results;
}

const expectations = {
  'replay-none': [{ scenario: 'edge-partition', slos: ['no-silent-loss'], cause: /no replay/ }],
};
const clean = results([{ name: 'edge-partition', slos: [slo('no-silent-loss', true)] }]);

describe('judgeZoo', () => {
  it('passes when the member is flagged by its SLO naming the cause, and the reference by nothing', () => {
    const member = results([
      { name: 'edge-partition', slos: [slo('no-silent-loss', false, 'they got no replay at all')] },
    ]);
    const v = judgeZoo(clean, [{ member: 'replay-none', results: member }], expectations);
    expect(v).toMatchObject({ pass: true, caught: 1, total: 1, referenceFindings: [] });
  });

  it('does not count a flag whose diagnosis names another cause', () => {
    const member = results([
      { name: 'edge-partition', slos: [slo('no-silent-loss', false, 'a slow client was skipped')] },
    ]);
    const v = judgeZoo(clean, [{ member: 'replay-none', results: member }], expectations);
    expect(v.pass).toBe(false);
    expect(v.members[0]!.catches[0]).toMatchObject({ flagged: true, namesCause: false });
  });

  it('fails when the member passes its scenario (the detector missed the defect)', () => {
    const v = judgeZoo(clean, [{ member: 'replay-none', results: clean }], expectations);
    expect(v).toMatchObject({ pass: false, caught: 0 });
  });

  it('fails on a false alarm against the reference server, and names it', () => {
    const member = results([{ name: 'edge-partition', slos: [slo('no-silent-loss', false, 'no replay')] }]);
    const noisy = results([{ name: 'edge-partition', slos: [slo('in-order', false)] }]);
    const v = judgeZoo(noisy, [{ member: 'replay-none', results: member }], expectations);
    expect(v.pass).toBe(false);
    expect(v.referenceFindings).toEqual([
      { scenario: 'edge-partition', verdict: 'fail', failed: ['in-order'] },
    ]);
    expect(zooMarkdown(v, ['edge-partition'])).toMatch(/1\/1 defects caught, 1 false alarms/);
  });
});
