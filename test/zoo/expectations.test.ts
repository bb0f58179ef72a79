import { describe, expect, it } from 'vitest';
import { ZOO_EXPECTATIONS } from '../../harness/zoo/expectations.ts';
import { userSuite } from '../../scenarios/index.ts';
import { SLO_NAMES } from '../../harness/slo/defaults.ts';
import { memberNames } from '../../zoo/catalog.ts';

describe('zoo expectations', () => {
  it('name every member of the zoo, and nothing else', () => {
    expect(Object.keys(ZOO_EXPECTATIONS).sort()).toEqual([...memberNames].sort());
  });

  it('name user-suite scenarios and SLOs that exist', () => {
    const scenarios = new Set(userSuite.map((s) => s.name));
    for (const [member, catches] of Object.entries(ZOO_EXPECTATIONS)) {
      expect(catches.length, member).toBeGreaterThan(0);
      for (const c of catches) {
        expect(scenarios.has(c.scenario), `${member}: ${c.scenario}`).toBe(true);
        for (const slo of c.slos) expect(SLO_NAMES, `${member}: ${slo}`).toContain(slo);
      }
    }
  });
});
