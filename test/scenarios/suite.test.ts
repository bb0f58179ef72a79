/**
 * The built-in suite is well-formed: unique names, every expectation names SLOs that exist, every
 * override names an SLO that exists, fault magnitudes pass validation (they did, at import), and
 * every description names an incident rather than restating the name.
 */
import { describe, expect, it } from 'vitest';
import { allScenarios, defaultSuite } from '../../scenarios/index.ts';
import { expectedViolations } from '../../harness/run/scenario.ts';
import { validateSlos } from '../../harness/run/runner.ts';
import { DEFAULT_SLOS } from '../../harness/slo/index.ts';

describe('built-in scenarios', () => {
  it('has the fourteen default scenarios, and scale only by name', () => {
    expect(defaultSuite.map((s) => s.name)).toEqual([
      'baseline',
      'edge-latency',
      'edge-partition',
      'origin-partition',
      'slow-consumer',
      'mid-frame-cut',
      'reconnect-storm',
      'graceful-shutdown',
      'crash-restart',
      'browser-give-up',
      'nginx-reload',
      'replay-window-overflow',
      'proxy-buffering',
      'idle-timeout',
    ]);
    expect(allScenarios.map((s) => s.name)).toContain('scale');
    expect(new Set(allScenarios.map((s) => s.name)).size).toBe(allScenarios.length);
    const scale = allScenarios.find((s) => s.name === 'scale')!;
    expect(scale.fleet.count).toBe(10_000);
  });

  it('names only SLOs that exist, in expectations and overrides', () => {
    const known = new Set(DEFAULT_SLOS.map((s) => s.name));
    for (const s of allScenarios) {
      expect(() => validateSlos(s, {})).not.toThrow();
      for (const n of expectedViolations(s)) expect(known.has(n), `${s.name}: ${n}`).toBe(true);
    }
  });

  it('records its source file and describes a real incident', () => {
    for (const s of allScenarios) {
      expect(s.source).toBe(`scenarios/${s.name}.ts`);
      expect(s.description.length).toBeGreaterThan(80);
    }
  });

  it('the two detector scenarios run a broken nginx profile and expect its violation', () => {
    const byName = new Map(defaultSuite.map((s) => [s.name, s]));
    expect(byName.get('proxy-buffering')!.topology.profile).toBe('buffered-http10');
    expect(expectedViolations(byName.get('proxy-buffering')!)).toContain('no-proxy-buffering');
    expect(byName.get('idle-timeout')!.topology.profile).toBe('short-read-timeout');
    expect(expectedViolations(byName.get('idle-timeout')!)).toEqual(['no-idle-cuts']);
    expect(byName.get('browser-give-up')!.topology.profile).toBe('bare-errors');
    expect(expectedViolations(byName.get('browser-give-up')!)).toEqual(['no-give-up']);
    for (const s of defaultSuite) {
      if (s.expect === 'pass') expect(s.topology.profile, s.name).toBe('good');
    }
  });

  it('fraction faults put that fraction of the fleet on edge-b', () => {
    const byName = new Map(defaultSuite.map((s) => [s.name, s]));
    expect(byName.get('slow-consumer')!.edgeBFraction).toBe(0.25);
    expect(byName.get('replay-window-overflow')!.edgeBFraction).toBe(0.5);
    expect(byName.get('baseline')!.edgeBFraction).toBe(0);
  });
});
