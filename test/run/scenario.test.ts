import { describe, expect, it } from 'vitest';
import { defineScenario, parseScenario } from '../../harness/run/scenario.ts';
import { ScenarioConfigError } from '../../harness/run/config-error.ts';

const base = { name: 'demo', description: 'an incident that happened somewhere' };

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ScenarioConfigError');
}

describe('defineScenario', () => {
  it('fills time-compressed defaults', () => {
    const s = defineScenario(base);
    expect(s.topology.profile).toBe('good');
    expect(s.topology.server.heartbeatMs).toBe(1000);
    expect(s.expect).toBe('pass');
    expect(s.edgeBFraction).toBe(0);
    expect(s.source).toMatch(/scenario\.test\.ts$/);
  });

  it('names the calling file and the field', () => {
    const msg = errorOf(() => defineScenario({ ...base, workload: { ratePerSec: -1 } }));
    expect(msg).toBe('test/run/scenario.test.ts: workload.ratePerSec: expected a positive number, got -1');
  });

  it('validates fault params against the fault registry, with the path', () => {
    const msg = errorOf(() =>
      parseScenario(
        { ...base, faults: [{ at: 0, duration: 1000, action: 'bandwidth', params: { rate: 0 } }] },
        'x.ts',
      ),
    );
    expect(msg).toContain('x.ts: faults[0].params.rate: expected a rate of at least 1 KB/s');
  });

  it('rejects unknown faults, unknown fields and a bad expectation', () => {
    const msg = errorOf(() =>
      parseScenario(
        { ...base, faults: [{ at: 0, duration: 1, action: 'meteor' }], fleet: { cnt: 3 }, expect: 'fail' },
        'x.ts',
      ),
    );
    expect(msg).toContain('faults[0].action: unknown fault "meteor"');
    expect(msg).toContain('fleet: ');
    expect(msg).toContain('cnt');
    expect(msg).toContain("expect: expected 'pass' or { violates");
  });

  it('puts fraction faults on edge-b and rejects conflicting fractions or legs', () => {
    const ok = parseScenario(
      {
        ...base,
        faults: [{ at: 0, duration: 1, action: 'latency', params: { latency: 10 }, fraction: 0.25 }],
      },
      'x.ts',
    );
    expect(ok.edgeBFraction).toBe(0.25);
    const msg = errorOf(() =>
      parseScenario(
        {
          ...base,
          faults: [
            { at: 0, duration: 1, action: 'latency', params: { latency: 10 }, fraction: 0.25, leg: 'origin' },
            { at: 0, duration: 1, action: 'cut', fraction: 0.5 },
          ],
        },
        'x.ts',
      ),
    );
    expect(msg).toContain('faults[0].leg: a fault on a fraction of the fleet runs on leg edge-b, not origin');
    expect(msg).toContain('faults: all faults on a fraction of the fleet must use the same fraction');
  });

  it('rejects a leg for faults that have none', () => {
    const msg = errorOf(() =>
      parseScenario(
        { ...base, faults: [{ at: 0, duration: 1, action: 'nginx-reload', leg: 'edge' }] },
        'x.ts',
      ),
    );
    expect(msg).toBe('x.ts: faults[0].leg: nginx-reload cannot act on leg edge');
  });
});
