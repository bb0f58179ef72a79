import { describe, it, expect } from 'vitest';
import { MEASUREMENT_KEYS } from '../../harness/checks/keys.ts';
import { CHECKS, getCheck, runChecks } from '../../harness/checks/registry.ts';
import { HistoryBuilder, testContext } from './build-history.ts';
import { readFileSync } from 'node:fs';

const ctx = testContext();

function sample() {
  const b = new HistoryBuilder().run(0, 10_000).fleet(0, 2).open(0, 1).open(0, 2);
  return b.steady({ topic: 'a', from: 100, everyMs: 100, count: 10, subs: [1, 2], latencyMs: 5 }).build();
}

describe('check registry', () => {
  it('runs every check and merges namespaced measurements', () => {
    const m = runChecks(sample(), ctx);
    for (const name of CHECKS.keys()) expect(Object.keys(m).some((k) => k.startsWith(`${name}.`))).toBe(true);
    expect(m['delivery.delivered']).toBe(20);
    expect(m['latency.count']).toBe(20);
  });

  it('runs only the named checks, and names the known ones for an unknown name', () => {
    const m = runChecks(sample(), ctx, ['delivery']);
    expect(Object.keys(m).every((k) => k.startsWith('delivery.'))).toBe(true);
    expect(() => getCheck('nope')).toThrow(
      /unknown check 'nope': known checks are publish, delivery, latency/,
    );
  });

  it('emits the same keys for any history, so SLOs can rely on them', () => {
    expect(Object.keys(runChecks([], ctx)).sort()).toEqual(Object.keys(runChecks(sample(), ctx)).sort());
  });

  it('emits exactly the catalogued measurements (keys.ts): nothing undocumented, nothing promised and missing', () => {
    expect(Object.keys(runChecks(sample(), ctx)).sort()).toEqual([...MEASUREMENT_KEYS].sort());
  });

  it('documents every measurement key in harness/checks/README.md', () => {
    const readme = readFileSync(new URL('../../harness/checks/README.md', import.meta.url), 'utf8');
    const missing = Object.keys(runChecks(sample(), ctx)).filter((k) => !readme.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });
});
