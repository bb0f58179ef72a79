/**
 * The built-in scenarios are well-formed: unique names, suites as documented, expectations and
 * overrides that name real SLOs (checked when they were defined), every scenario plannable against
 * the reference server, descriptions that name an incident.
 */
import { describe, expect, it } from 'vitest';
import { allScenarios, selfTestSuite, suites, userSuite } from '../../scenarios/index.ts';
import { expectedViolations } from '../../harness/run/scenario.ts';
import { planScenario } from '../../harness/run/plan.ts';

describe('built-in scenarios', () => {
  it('has the user suite (the default), the detector self-tests, cluster and network suites apart, and scale by name', () => {
    expect(userSuite.map((s) => s.name)).toEqual([
      'baseline',
      'edge-latency',
      'edge-partition',
      'origin-partition',
      'slow-consumer',
      'mid-frame-cut',
      'cut-before-first-event',
      'reconnect-storm',
      'concurrent-publishers',
      'idle-stretch',
      'graceful-shutdown',
      'crash-restart',
      'nginx-reload',
      'replay-window-overflow',
    ]);
    expect(selfTestSuite.map((s) => s.name)).toEqual([
      'browser-give-up',
      'proxy-buffering',
      'idle-timeout',
      'browser-connection-cap',
      'haproxy-browser-give-up',
      'haproxy-delayed-writes',
      'haproxy-short-timeouts',
      'haproxy-tunnel-timeout',
      'haproxy-compression',
      'caddy-browser-give-up',
      'caddy-read-timeout',
      'caddy-write-timeout',
      'envoy-route-timeout',
      'cloud-lb-idle-timeout',
      'cdn-idle-timeout',
      'cdn-compression',
    ]);
    expect(Object.keys(suites)).toEqual([
      'user',
      'self-test',
      'browser',
      'model-check',
      'cluster',
      'network',
      'scale',
    ]);
    expect(suites.cluster!.map((s) => s.name)).toEqual([
      'instance-failover',
      'rolling-restart',
      'redis-restart',
      'redis-partition',
    ]);
    expect(suites.network!.map((s) => s.name)).toEqual([
      'packet-loss-2pct',
      'rate-limit',
      'netem-delay',
      'netem-reorder',
    ]);
    // Two instances on one Redis log in every cluster scenario; the target in a namespace in every network one.
    for (const s of suites.cluster!)
      expect(s.topology.server, s.name).toMatchObject({ log: 'redis', instances: 2 });
    for (const s of suites.network!) expect(s.topology.netns, s.name).toBe(true);
    expect(suites.browser!.map((s) => s.name)).toEqual(['browser-connection-cap-h2', 'h2-connection-cut']);
    expect(suites['model-check']!.map((s) => s.name)).toEqual(userSuite.map((s) => `model-check-${s.name}`));
    // Browsers only where a scenario asks for them: never in the user suite.
    for (const s of userSuite) expect(s.fleet.profiles.chromium ?? 0, s.name).toBe(0);
    for (const s of [...suites.browser!, ...suites['model-check']!])
      expect(s.fleet.profiles.chromium, s.name).toBeGreaterThan(0);
    expect(new Set(allScenarios.map((s) => s.name)).size).toBe(allScenarios.length);
    expect(allScenarios.find((s) => s.name === 'scale')!.fleet.count).toBe(10_000);
  });

  it('proves every HAProxy and Caddy misconfiguration and every emulated intermediary with a self-test', async () => {
    const { listProxyProfiles } = await import('../../harness/topology/proxy-profiles.ts');
    for (const kind of ['haproxy', 'caddy'] as const) {
      const covered = new Set(
        selfTestSuite.filter((s) => s.topology.proxy === kind).map((s) => s.topology.profile),
      );
      const broken = listProxyProfiles(kind).filter((p) => p.name !== 'good');
      expect(
        broken.filter((p) => !covered.has(p.name)).map((p) => p.name),
        kind,
      ).toEqual([]);
    }
  });

  it('every user scenario expects a pass on a good proxy; every self-test expects its detector to fire', () => {
    for (const s of userSuite) {
      expect(s.expect, s.name).toBe('pass');
      expect(s.topology.profile, s.name).toBe('good');
    }
    for (const s of selfTestSuite) {
      // A broken proxy, or real browsers meeting a limit of their own (the HTTP/1.1 connection cap).
      const brokenOrBrowsers = s.topology.profile !== 'good' || (s.fleet.profiles.chromium ?? 0) > 0;
      expect(brokenOrBrowsers, s.name).toBe(true);
      expect(expectedViolations(s).length, s.name).toBeGreaterThan(0);
    }
  });

  it('plans against the reference server with nothing skipped, and every expected violation judged', () => {
    for (const s of allScenarios) {
      const plan = planScenario(s);
      expect(plan.skip, s.name).toBeUndefined();
      const judged = new Set(plan.slos.map((x) => x.name));
      for (const n of expectedViolations(s)) expect(judged.has(n), `${s.name}: ${n}`).toBe(true);
    }
  });

  it('gives each defect its chance: clients away across a crash, an idle stretch, concurrent publishers, an overflow', () => {
    const plan = (name: string) => planScenario(allScenarios.find((s) => s.name === name)!);
    const crash = plan('crash-restart');
    const away = crash.faults.find((f) => f.action === 'cut')!;
    const kill = crash.faults.find((f) => f.action === 'target-sigkill')!;
    expect(away.at).toBeLessThan(kill.at);
    expect(away.at + away.duration).toBeGreaterThan(kill.at);
    expect(crash.slos.map((x) => x.name)).toContain('nothing-lost-on-restart');
    const idle = plan('idle-stretch');
    expect(idle.workload.pauses[0]!.duration).toBeGreaterThan(Number(idle.profileParams.readTimeoutMs));
    expect(plan('concurrent-publishers').workload.publishers).toBeGreaterThan(1);
    const overflow = plan('replay-window-overflow');
    expect(overflow.slos.map((x) => x.name)).toContain('gap-declared');
    expect(overflow.faults[0]!.duration * (overflow.workload.ratePerSec / 1000)).toBeGreaterThan(40);
  });

  it('records its source file and describes a real incident', () => {
    for (const s of allScenarios) {
      const own = s.name.replace(/^model-check-/, '');
      expect(s.source).toBe(
        s.tags.includes('model-check') ? `scenarios/${own}.ts (model check)` : `scenarios/${s.name}.ts`,
      );
      expect(s.description.length).toBeGreaterThan(80);
    }
  });

  it('the self-tests run a broken nginx profile and expect its violation', () => {
    const byName = new Map(selfTestSuite.map((s) => [s.name, s]));
    expect(byName.get('proxy-buffering')!.topology.profile).toBe('buffered-http10');
    expect(expectedViolations(byName.get('proxy-buffering')!)).toContain('no-proxy-buffering');
    expect(byName.get('idle-timeout')!.topology.profile).toBe('short-read-timeout');
    expect(expectedViolations(byName.get('idle-timeout')!)).toEqual(['no-idle-cuts']);
    expect(byName.get('browser-give-up')!.topology.profile).toBe('bare-errors');
    expect(expectedViolations(byName.get('browser-give-up')!)).toEqual(['no-give-up']);
  });

  it('fraction faults put that fraction of the fleet on edge-b', () => {
    const byName = new Map(userSuite.map((s) => [s.name, s]));
    expect(byName.get('slow-consumer')!.edgeBFraction).toBe(0.1);
    expect(byName.get('replay-window-overflow')!.edgeBFraction).toBe(0.5);
    expect(byName.get('baseline')!.edgeBFraction).toBe(0);
  });
});
