import { describe, expect, it } from 'vitest';
import { defineScenario, parseScenario } from '../../harness/run/scenario.ts';
import { ScenarioConfigError } from '../../harness/run/config-error.ts';
import { SCENARIO_DEFAULTS } from '../../harness/run/defaults.ts';

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
  it('fills time-compressed defaults from the one defaults module', () => {
    const s = defineScenario(base);
    expect(s.topology.profile).toBe('good');
    expect(s.workload).toMatchObject({
      ratePerSec: SCENARIO_DEFAULTS.workload.ratePerSec,
      durationMs: SCENARIO_DEFAULTS.workload.durationMs,
      publishers: 1,
      pauses: [],
    });
    expect(s.fleet.backoff).toEqual(SCENARIO_DEFAULTS.fleet.backoff);
    expect(s.topology.server).toEqual({}); // the reference server's defaults are applied by the plan
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

  it('rejects SLO names that do not exist, in overrides and in the expectation', () => {
    expect(errorOf(() => parseScenario({ ...base, slos: { 'latency-p98': 10 } }, 'x.ts'))).toMatch(
      /x\.ts: slos\.latency-p98: unknown SLO "latency-p98"; known SLOs: publishes-acknowledged/,
    );
    expect(errorOf(() => parseScenario({ ...base, expect: { violates: ['no-such'] } }, 'x.ts'))).toMatch(
      /x\.ts: expect\.violates\[0\]: unknown SLO "no-such"/,
    );
  });

  it('accepts a duration past the retention for one fault, and only one', () => {
    const cut = { at: 0, duration: 'past-retention' as const, action: 'cut', fraction: 0.5 };
    expect(parseScenario({ ...base, faults: [cut] }, 'x.ts').faults[0]!.duration).toBe('past-retention');
    expect(errorOf(() => parseScenario({ ...base, faults: [cut, cut] }, 'x.ts'))).toMatch(
      /at most one fault/,
    );
  });

  it('takes a chromium share, how its EventSources are packed, and TLS / HTTP/2; HTTP/2 needs TLS', () => {
    const s = parseScenario(
      {
        ...base,
        topology: { tls: true, http2: true },
        fleet: { profiles: { browser: 1, chromium: 1 }, chromium: { perContext: 7 } },
      },
      'demo.ts',
    );
    expect(s.topology).toMatchObject({ tls: true, http2: true });
    expect(s.fleet.profiles).toEqual({ browser: 1, chromium: 1 });
    expect(s.fleet.chromium).toEqual({ perContext: 7 });
    expect(parseScenario(base, 'demo.ts').topology).toMatchObject({ tls: false, http2: false });
    expect(errorOf(() => parseScenario({ ...base, topology: { http2: true } }, 'demo.ts'))).toBe(
      'demo.ts: topology.http2: HTTP/2 needs tls: true (browsers speak HTTP/2 only over TLS)',
    );
    expect(
      errorOf(() => parseScenario({ ...base, fleet: { chromium: { perContext: 0 } } }, 'demo.ts')),
    ).toMatch(/^demo\.ts: fleet\.chromium\.perContext: /);
    expect(errorOf(() => parseScenario({ ...base, topology: { tls: 'yes' } }, 'demo.ts'))).toBe(
      'demo.ts: topology.tls: expected true or false, got "yes"',
    );
  });
});
