/**
 * The plan is pure: scenario + target + options in, everything a run needs out. These specify what
 * a plan decides, without starting anything.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioConfigError } from '../../harness/run/config-error.ts';
import { SCENARIO_DEFAULTS } from '../../harness/run/defaults.ts';
import { planScenario, splitFleet } from '../../harness/run/plan.ts';
import { parseScenario, type ScenarioInput } from '../../harness/run/scenario.ts';
import { parseTarget, type TargetSpec } from '../../harness/topology/target.ts';

const scenario = (o: Partial<ScenarioInput> = {}) =>
  parseScenario({ name: 'demo', description: 'an incident that happened somewhere', ...o }, 'demo.ts');

const publish = { path: '/publish' } as const;
const urlTarget = (declares: Record<string, unknown>): TargetSpec =>
  parseTarget({ kind: 'url', baseUrl: 'http://127.0.0.1:9', streamPath: '/events', publish, declares });

describe('planScenario', () => {
  it('runs the reference server with every option explicit, and takes its declarations from them', () => {
    const p = planScenario(scenario({ topology: { server: { log: 'file' } } }));
    expect(p.target).toEqual({ kind: 'reference', options: { ...SCENARIO_DEFAULTS.server, log: 'file' } });
    expect(p.declarations).toEqual({
      heartbeatMs: 1000,
      retry: { baseMs: 1000, jitterMs: 1000 },
      retention: { events: 10_000 },
      durable: true,
      shutdownGraceMs: 1500,
    });
    expect(p.checkContext).toMatchObject({ heartbeatMs: 1000, retention: { events: 10_000 }, durable: true });
  });

  it("hands nginx's SSE error page the target's own retry range", () => {
    const p = planScenario(scenario());
    expect(p.profileParams).toMatchObject({
      heartbeatMs: 1000,
      unavailableRetryMinMs: 1000,
      unavailableRetryMaxMs: 2000,
    });
  });

  it("applies the scenario's server options to a zoo member too, and declares what the member was told", () => {
    const p = planScenario(scenario({ topology: { server: { log: 'file' } } }), {
      target: { kind: 'zoo', defect: 'memory-log', options: {} },
    });
    expect(p.target).toMatchObject({ kind: 'zoo', defect: 'memory-log', options: { log: 'file' } });
    expect(p.declarations.durable).toBe(true);
  });

  it('skips what a target cannot do, saying what it needs', () => {
    const crash = scenario({
      faults: [{ at: 0, duration: 0, action: 'target-sigkill' }],
      needs: ['durable'],
      topology: { server: { log: 'file' } },
    });
    const p = planScenario(crash, { target: urlTarget({ heartbeatMs: 1000 }) });
    expect(p.skip?.needs.sort()).toEqual(['crash', 'durable']);
    expect(p.skip?.reason).toMatch(/a way to crash and start the target/);
    expect(p.skip?.reason).toMatch(/a durable log \(declares.durable: true\)/);
    expect(planScenario(crash).skip).toBeUndefined();
    // The reference server with its memory log declares no durability: the crash test does not apply.
    expect(planScenario(scenario({ needs: ['durable'] })).skip?.needs).toEqual(['durable']);
  });

  it('makes a fault outlast the declared retention, raising the rate when the outage would be too long', () => {
    const s = scenario({ faults: [{ at: 500, duration: 'past-retention', action: 'cut', fraction: 0.5 }] });
    const small = planScenario(s, { target: urlTarget({ heartbeatMs: 1000, retention: { events: 40 } }) });
    expect(small.faults[0]!.duration).toBe(Math.ceil(((40 * 1.25 + 20) / 40) * 1000));
    expect(small.workload.ratePerSec).toBe(40);
    expect(small.features.gapExpected).toBe(true);
    expect(small.slos.map((x) => x.name)).toContain('gap-declared');
    const large = planScenario(s, { target: urlTarget({ heartbeatMs: 1000, retention: { events: 5000 } }) });
    expect(large.workload.ratePerSec).toBeGreaterThan(40);
    expect(large.faults[0]!.duration).toBeLessThanOrEqual(15_000);
    expect(large.notes.join(' ')).toMatch(/publish rate raised/);
    const huge = planScenario(s, {
      target: urlTarget({ heartbeatMs: 1000, retention: { events: 1_000_000 } }),
    });
    expect(huge.skip?.reason).toMatch(/more than this scenario can overflow/);
    const none = planScenario(s, { target: urlTarget({ heartbeatMs: 1000 }) });
    expect(none.skip?.needs).toEqual(['retention']);
  });

  it('follows every fault with a judged window, extending the workload when it stops too soon', () => {
    const p = planScenario(
      scenario({
        workload: { durationMs: 2000 },
        faults: [{ at: 500, duration: 1000, action: 'blackhole' }],
      }),
    );
    // back after the longest wait (2000: retry 1000 + 1000 jitter; backoff cap 2000) and a heartbeat, then 1500 ms
    expect(p.workload.durationMs).toBe(500 + 1000 + 2000 + 1000 + 1500);
    expect(p.notes[0]).toMatch(/workload extended from 2000 to 6000 ms/);
    const slow = planScenario(
      scenario({
        workload: { durationMs: 2000 },
        faults: [{ at: 500, duration: 1000, action: 'latency', params: { latency: 50 } }],
      }),
    );
    expect(slow.workload.durationMs).toBe(500 + 1000 + 1000 + 1500); // a latency fault cuts nothing
  });

  it('judges only what the scenario gives a chance: no shutdown verdict without a SIGTERM, storms only for a big enough cut', () => {
    const plain = planScenario(scenario()).slos.map((x) => x.name);
    expect(plain).not.toContain('graceful-shutdown');
    expect(plain).not.toContain('recovery-time');
    expect(plain).toContain('no-silent-loss');
    const smallCut = planScenario(
      scenario({ faults: [{ at: 0, duration: 100, action: 'cut', fraction: 0.25 }] }),
    );
    expect(smallCut.features.massCut).toBe(false); // 40 x 0.5 browsers x 0.25 = 5 clients: says nothing about jitter
    const bigCut = planScenario(
      scenario({ fleet: { count: 200 }, faults: [{ at: 0, duration: 100, action: 'cut' }] }),
    );
    expect(bigCut.slos.map((x) => x.name)).toEqual(
      expect.arrayContaining(['no-reconnect-storm', 'reconnect-jitter']),
    );
    const backoffOnly = planScenario(
      scenario({
        fleet: { count: 200, profiles: { backoff: 1 } },
        faults: [{ at: 0, duration: 100, action: 'cut' }],
      }),
    );
    expect(backoffOnly.slos.map((x) => x.name)).not.toContain('no-reconnect-storm');
  });

  it('does not count clients already cut off by an earlier fault into a later mass cut', () => {
    const p = planScenario(
      scenario({
        fleet: { count: 80 },
        faults: [
          { at: 0, duration: 3000, action: 'cut', fraction: 0.5 },
          { at: 1000, duration: 0, action: 'target-sigkill' },
        ],
      }),
    );
    expect(p.features.massCut).toBe(true); // 80 x 0.5 browsers x 0.5 still connected = 20
    const q = planScenario(
      scenario({
        faults: [
          { at: 0, duration: 3000, action: 'cut', fraction: 0.5 },
          { at: 1000, duration: 0, action: 'target-sigkill' },
        ],
      }),
    );
    expect(q.features.massCut).toBe(false); // 40 x 0.5 x 0.5 = 10
  });

  it('applies SLO overrides in one precedence and fails fast on unknown names', () => {
    const s = scenario({ slos: { 'latency-p99': 800 } });
    const p = planScenario(s, { configSlos: { 'latency-p99': 300, 'heartbeat-silence': 4000 }, cliSlos: {} });
    const t = (n: string) => p.slos.find((x) => x.name === n)!.threshold;
    expect(t('latency-p99')).toBe(800);
    expect(t('heartbeat-silence')).toBe(4000);
    expect(
      planScenario(s, { cliSlos: { 'latency-p99': 100 } }).slos.find((x) => x.name === 'latency-p99')!
        .threshold,
    ).toBe(100);
    expect(() => planScenario(s, { cliSlos: { 'latency-p98': 100 } })).toThrow(ScenarioConfigError);
  });

  it('puts a fraction fault on edge-b and that fraction of the fleet there', () => {
    const p = planScenario(
      scenario({
        faults: [{ at: 0, duration: 100, action: 'bandwidth', fraction: 0.25, params: { rate: 4 } }],
      }),
    );
    expect(p.faults[0]).toMatchObject({ leg: 'edge-b', action: 'bandwidth' });
    expect(p.fleet.edgeBFraction).toBe(0.25);
    expect(p.fleet.watchdogMs).toBe(3000);
  });

  it('sets the evidence floor from the planned publishes', () => {
    const p = planScenario(
      scenario({ workload: { ratePerSec: 40, durationMs: 5000, pauses: [{ at: 0, duration: 1000 }] } }),
    );
    expect(p.workload.planned).toBe(160);
    expect(p.slos.find((x) => x.name === 'publishes-acknowledged')!.threshold).toBe(40);
  });

  describe('real browsers in the fleet', () => {
    it('splits the fleet: the chromium share rounded (at least one), the modelled mix kept among the rest', () => {
      expect(splitFleet(60, { browser: 20, backoff: 20, chromium: 20 })).toEqual({
        modelCount: 40,
        chromiumCount: 20,
        browserFraction: 0.5,
      });
      expect(splitFleet(40, { browser: 1, backoff: 1 })).toEqual({
        modelCount: 40,
        chromiumCount: 0,
        browserFraction: 0.5,
      });
      expect(splitFleet(7, { chromium: 1 })).toEqual({ modelCount: 0, chromiumCount: 7, browserFraction: 0 });
      expect(splitFleet(40, { browser: 1, chromium: 0.001 }).chromiumCount).toBe(1);
    });

    it('packs 6 EventSources per browser context over HTTP/1.1 and 100 over HTTP/2, unless the scenario says', () => {
      const h1 = planScenario(scenario({ fleet: { count: 10, profiles: { chromium: 1 } } }));
      expect(h1.fleet).toMatchObject({ count: 10, modelCount: 0, chromium: { count: 10, perContext: 6 } });
      expect(h1.transport).toEqual({ tls: false, http2: false });
      const h2 = planScenario(
        scenario({ topology: { tls: true, http2: true }, fleet: { count: 10, profiles: { chromium: 1 } } }),
      );
      expect(h2.fleet.chromium.perContext).toBe(100);
      expect(h2.transport).toEqual({ tls: true, http2: true });
      const seven = planScenario(
        scenario({ fleet: { count: 7, profiles: { chromium: 1 }, chromium: { perContext: 7 } } }),
      );
      expect(seven.fleet.chromium.perContext).toBe(7);
    });

    it('real browsers obey retry: a chromium-only fleet gets storm verdicts and their reconnect wait, and the queue detector', () => {
      const p = planScenario(
        scenario({
          fleet: { count: 30, profiles: { chromium: 1 } },
          faults: [{ at: 1000, duration: 300, action: 'cut', leg: 'edge' }],
        }),
      );
      expect(p.features).toMatchObject({ retryObeyingClients: true, massCut: true, realBrowsers: true });
      expect(p.slos.map((s) => s.name)).toEqual(
        expect.arrayContaining(['no-reconnect-storm', 'reconnect-jitter', 'no-queued-streams']),
      );
      const model = planScenario(scenario());
      expect(model.features.realBrowsers).toBe(false);
      expect(model.slos.map((s) => s.name)).not.toContain('no-queued-streams');
    });
  });
});

describe('planScenario: the proxy', () => {
  const user = {
    kind: 'haproxy' as const,
    file: 'my.cfg',
    text: 'timeout server 30s\nserver s {{upstream}}\n',
  };

  it('runs nginx unless the run or the scenario names another proxy, and a pinned proxy wins', () => {
    expect(planScenario(scenario()).proxy).toBe('nginx');
    expect(planScenario(scenario(), { proxy: 'caddy' }).proxy).toBe('caddy');
    const pinned = scenario({ topology: { proxy: 'haproxy', profile: 'short-timeouts' } });
    expect(planScenario(pinned, { proxy: 'caddy' })).toMatchObject({
      proxy: 'haproxy',
      profile: 'short-timeouts',
    });
  });

  it("skips a scenario whose profile the run's proxy does not have, naming the proxy's profiles", () => {
    const p = planScenario(scenario({ topology: { profile: 'buffered-http10' } }), { proxy: 'haproxy' });
    expect(p.skip?.needs).toEqual(['haproxy-profile']);
    expect(p.skip?.reason).toMatch(/"buffered-http10" .* not a haproxy profile .*short-timeouts/);
  });

  it("puts the user's own config in place of good, keeps a misconfiguration's profile, and hands its facts to the SLOs", () => {
    const good = planScenario(scenario(), { proxy: 'haproxy', userConfigs: { haproxy: user } });
    expect(good).toMatchObject({ profile: 'user', userConfig: user });
    expect(good.proxyFacts?.idleTimeouts).toEqual([{ text: 'timeout server 30s', line: 1, ms: 30_000 }]);
    const bad = planScenario(scenario({ topology: { profile: 'short-timeouts' } }), {
      proxy: 'haproxy',
      userConfigs: { haproxy: user },
    });
    expect(bad.profile).toBe('short-timeouts');
    expect(bad.userConfig).toBeUndefined();
    // Another kind's config does not apply.
    expect(planScenario(scenario(), { proxy: 'caddy', userConfigs: { haproxy: user } }).profile).toBe('good');
  });

  it("skips a TLS scenario behind HAProxy or Caddy, or on the user's own nginx config (TLS is rendered into our nginx profiles)", () => {
    const tls = scenario({ topology: { tls: true, http2: true } });
    expect(planScenario(tls).skip).toBeUndefined();
    const haproxy = planScenario(tls, { proxy: 'haproxy' });
    expect(haproxy.skip).toEqual({
      needs: ['nginx-tls'],
      reason: expect.stringMatching(/nginx only; this run uses haproxy/),
    });
    const nginxUser = {
      kind: 'nginx' as const,
      file: 'sse.conf',
      text: 'location / { proxy_pass http://{{upstream}}; }\n',
    };
    const own = planScenario(tls, { userConfigs: { nginx: nginxUser } });
    expect(own.skip?.reason).toMatch(/your config serves plain HTTP/);
  });

  it('names results after the proxy in a matrix run', () => {
    expect(planScenario(scenario(), { proxy: 'caddy', matrix: true }).name).toBe('demo@caddy');
    expect(planScenario(scenario(), { proxy: 'caddy' }).name).toBe('demo');
  });

  it('runs restart scenarios against a url target whose control commands can stop and start it', () => {
    const sigterm = scenario({ faults: [{ at: 0, duration: 0, action: 'target-sigterm' }] });
    const sigkill = scenario({ faults: [{ at: 0, duration: 0, action: 'target-sigkill' }] });
    const declares = { heartbeatMs: 1000, shutdownGraceMs: 1000 };
    const target = (control?: Record<string, unknown>): TargetSpec =>
      parseTarget({
        kind: 'url',
        baseUrl: 'http://127.0.0.1:9',
        streamPath: '/e',
        publish,
        declares,
        control,
      });
    expect(planScenario(sigterm, { target: target() }).skip?.needs).toEqual(['restart']);
    expect(
      planScenario(sigterm, { target: target({ restart: 'systemctl restart sse' }) }).skip,
    ).toBeUndefined();
    // A restart alone cannot crash it: the crash scenario needs a kill command.
    expect(
      planScenario(sigkill, { target: target({ restart: 'systemctl restart sse' }) }).skip?.needs,
    ).toEqual(['crash']);
    expect(
      planScenario(sigkill, { target: target({ kill: 'docker kill sse', start: 'docker start sse' }) }).skip,
    ).toBeUndefined();
  });

  describe('several instances on a Redis log, and faults below TCP', () => {
    const cluster = (o: Partial<ScenarioInput> = {}) =>
      scenario({
        topology: { server: { log: 'redis', instances: 2 } },
        faults: [
          {
            at: 1000,
            duration: 0,
            action: 'target-sigkill',
            params: { instance: 'instance-1', downMs: 500 },
          },
        ],
        ...o,
      });

    it('runs the reference server and zoo members as several instances, declared durable (the log outlives them)', () => {
      const p = planScenario(cluster());
      expect(p.skip).toBeUndefined();
      expect(p.target).toMatchObject({ kind: 'reference', options: { log: 'redis', instances: 2 } });
      expect(p.declarations.durable).toBe(true);
      expect(p.probes).toEqual(['redis']);
      expect(p.netns).toBe(false);
      // One instance's crash: its restart and downMs are waited for, a failover is judged, no mass cut.
      expect(p.features).toMatchObject({ instanceStop: true, targetStop: true, massCut: false });
      expect(p.slos.map((s) => s.name)).toEqual(
        expect.arrayContaining(['failover-time', 'nothing-lost-on-restart']),
      );
      expect(p.workload.durationMs).toBeGreaterThanOrEqual(1000 + 3000 + 500 + 1000 + 1500);
      const zoo = planScenario(cluster(), {
        target: { kind: 'zoo', defect: 'redis-local-replay', options: {} },
      });
      expect(zoo.target).toMatchObject({ kind: 'zoo', options: { log: 'redis', instances: 2 } });
    });

    it('skips for a command or url target, naming what it needs', () => {
      const url = planScenario(cluster(), { target: urlTarget({ heartbeatMs: 1000 }) });
      expect(url.skip?.needs).toEqual(expect.arrayContaining(['instances', 'redis']));
      expect(url.skip?.reason).toMatch(/several instances of the target behind the proxy on one shared log/);
      const netns = planScenario(
        scenario({
          topology: { netns: true },
          faults: [{ at: 100, duration: 1000, action: 'packet-loss', params: { percent: 2 } }],
        }),
        {
          target: urlTarget({ heartbeatMs: 1000 }),
        },
      );
      expect(netns.skip).toMatchObject({ needs: ['netns'] });
      expect(netns.skip?.reason).toMatch(/a target sse-chaos starts/);
    });

    it("skips behind the user's own proxy config (it names one upstream)", () => {
      const p = planScenario(cluster(), {
        userConfigs: {
          nginx: {
            kind: 'nginx',
            file: 'deploy/sse.conf',
            text: 'location / { proxy_pass http://{{upstream}}; }',
          },
        },
      });
      expect(p.skip?.reason).toMatch(/several instances run behind sse-chaos's own nginx profiles/);
    });

    it('leaves what only the machine can tell to the runner: redis-server, root with nftables, netem', () => {
      const loss = planScenario(
        scenario({
          topology: { netns: true },
          faults: [{ at: 100, duration: 1000, action: 'packet-loss', params: { percent: 2 } }],
        }),
      );
      expect(loss.skip).toBeUndefined();
      expect(loss).toMatchObject({ probes: ['netns'], netns: true });
      const netem = planScenario(
        scenario({
          topology: { netns: true },
          faults: [{ at: 100, duration: 1000, action: 'netem', params: { delayMs: 50 } }],
        }),
      );
      expect(netem.skip).toBeUndefined();
      expect(netem).toMatchObject({ probes: ['netns', 'netem'], netns: true });
    });

    it('refuses, naming the field, what cannot work: a missing instance, a Redis restart without persistence', () => {
      expect(() =>
        planScenario(
          cluster({
            faults: [{ at: 0, duration: 0, action: 'target-sigterm', params: { instance: 'instance-3' } }],
          }),
        ),
      ).toThrow(/demo: faults.0: instance-3 does not exist: the target runs 2 instances/);
      expect(() => planScenario(scenario({ topology: { server: { instances: 2 } } }))).toThrow(
        /instances: 2 instances need log: 'redis'/,
      );
      expect(() =>
        planScenario(cluster({ faults: [{ at: 0, duration: 0, action: 'redis-restart' }] })),
      ).toThrow(
        /redis-restart on a Redis without persistence empties the log.*redisPersistence: 'aof-always'/,
      );
      expect(() => planScenario(scenario({ topology: { netns: true, server: { log: 'redis' } } }))).toThrow(
        ScenarioConfigError,
      );
    });

    it('judges a cut of the Redis leg as no mass cut of streams', () => {
      const p = planScenario(
        scenario({
          topology: { server: { log: 'redis', instances: 2 } },
          faults: [{ at: 1000, duration: 1000, action: 'cut', leg: 'redis' }],
        }),
      );
      expect(p.features.massCut).toBe(false);
      expect(p.slos.map((s) => s.name)).not.toContain('no-reconnect-storm');
    });

    it('accepts an instance leg and the Redis leg where origin is accepted, and nowhere else', () => {
      expect(() =>
        scenario({
          faults: [{ at: 0, duration: 100, action: 'latency', leg: 'origin-2', params: { latency: 10 } }],
        }),
      ).not.toThrow();
      expect(() =>
        scenario({ faults: [{ at: 0, duration: 100, action: 'nginx-reload', leg: 'redis' }] }),
      ).toThrow(/nginx-reload cannot act on leg redis/);
      expect(() =>
        scenario({ faults: [{ at: 0, duration: 100, action: 'latency', leg: 'origin-x' as never }] }),
      ).toThrow(/expected a leg: edge, edge-b, origin, origin-N/);
    });
  });
});
