import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../harness/run/compare.ts';
import type { Results } from '../../harness/results/results.ts';
import { sampleResults } from '../reports/fixtures.ts';

describe('compareRuns', () => {
  it('agrees with itself, and compares only the scenarios both sides ran', () => {
    const a = sampleResults(1, { hostile: false });
    const subset: Results = { ...a, scenarios: a.scenarios.slice(0, 2) };
    expect(compareRuns(subset, a)).toEqual({ compared: 2, disagreements: [] });
  });

  it('names a scenario that ended differently, with both outcomes', () => {
    const a = sampleResults(1, { hostile: false });
    const first = a.scenarios[0]!;
    const flipped = {
      ...first,
      verdict: 'fail' as const,
      asExpected: false,
      slos: first.slos.map((s, i) => (i === 0 ? { ...s, pass: false } : s)),
    };
    const b: Results = { ...a, scenarios: [flipped, ...a.scenarios.slice(1)] };
    const { disagreements } = compareRuns(a, b);
    expect(disagreements).toHaveLength(1);
    expect(disagreements[0]).toMatchObject({ scenario: first.name });
    expect(disagreements[0]!.right).toMatch(/^fail \(NOT as expected\): /);
  });
});
