import { describe, expect, it } from 'vitest';
import { ZOO_EXPECTATIONS } from '../../harness/zoo/expectations.ts';
import { clusterSuite, userSuite } from '../../scenarios/index.ts';
import { suiteFor } from '../../harness/zoo/run.ts';
import { SLO_NAMES } from '../../harness/slo/defaults.ts';
import { memberNames } from '../../zoo/catalog.ts';

describe('zoo expectations', () => {
  it('name every member of the zoo, and nothing else', () => {
    expect(Object.keys(ZOO_EXPECTATIONS).sort()).toEqual([...memberNames].sort());
  });

  it('name user-suite or cluster-suite scenarios and SLOs that exist', () => {
    const scenarios = new Set([...userSuite, ...clusterSuite].map((s) => s.name));
    for (const [member, catches] of Object.entries(ZOO_EXPECTATIONS)) {
      expect(catches.length, member).toBeGreaterThan(0);
      for (const c of catches) {
        expect(scenarios.has(c.scenario), `${member}: ${c.scenario}`).toBe(true);
        for (const slo of c.slos) expect(SLO_NAMES, `${member}: ${slo}`).toContain(slo);
      }
    }
  });

  it('run each member through the suites its catches name, and only those', () => {
    const names = (member: string) => suiteFor(ZOO_EXPECTATIONS[member]!).map((s) => s.name);
    // Most members: the user suite only (the zoo's time stays bounded).
    expect(names('replay-none')).toEqual(userSuite.map((s) => s.name));
    // The Redis members show their defect only with several instances on a Redis log: the cluster suite.
    expect(names('redis-local-replay')).toEqual(clusterSuite.map((s) => s.name));
    expect(names('redis-ack-before-append')).toEqual(clusterSuite.map((s) => s.name));
    expect(suiteFor([])).toEqual([]);
  });
});
