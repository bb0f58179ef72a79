/**
 * The plan: everything one run of a scenario needs, decided before anything starts. Pure: the
 * scenario, the target and the options in; the target to start, nginx profile and parameters, the
 * fleet, the workload, the fault steps, the check context and the SLO set out. The runner only
 * carries it out; the judge only reads it back.
 *
 * What the plan decides, and why here:
 * - The target and what it declares (heartbeat, retry, retention, durability, shutdown grace). The
 *   reference server and zoo members declare exactly what their flags say.
 * - Whether the scenario can run against this target: it needs capabilities (restart, a declared
 *   retention, a durable log...). A target without them gets the scenario skipped, with the reason.
 * - Faults that must outlast the declared retention get their duration (and the publish rate) from it.
 * - Every fault is followed by a judged window: the workload is extended until every subscriber can
 *   have come back (its longest reconnect wait plus a heartbeat) and then some.
 * - Which SLOs apply (a scenario with no SIGTERM has no graceful-shutdown verdict, rather than a
 *   vacuous pass), with overrides applied in the one documented precedence.
 */
import { checkContext, JUDGING, type CheckContext } from '../checks/context.ts';
import type { FaultStep } from '../faults/nemesis.ts';
import type { Leg } from '../history/records.ts';
import {
  defaultSlos,
  resolveSlos,
  type ScenarioFeatures,
  type SloOverrides,
  type SloSpec,
} from '../slo/index.ts';
import type { ProfileParams } from '../topology/nginx-profiles.ts';
import { DEFAULT_PROXY, type ProxyKind } from '../topology/proxy-kind.ts';
import { proxyFacts, type ProxyFacts } from '../topology/proxy-facts.ts';
import { isProxyProfile, listProxyProfiles } from '../topology/proxy-profiles.ts';
import { USER_PROFILE, type UserProxyConfig } from '../topology/user-config.ts';
import { controlOffers, declarationsOf, type Declarations, type TargetSpec } from '../topology/target.ts';
import { publishOffsets, type Pause } from '../workload/schedule.ts';
import {
  BROWSER_DEFAULT_RETRY_MS,
  MAX_OVERFLOW_OUTAGE_MS,
  MAX_OVERFLOW_RATE_PER_SEC,
  MIN_ACKNOWLEDGED_SHARE,
  MIN_JUDGED_WINDOW_MS,
  MIN_WINDOW_EVENTS,
  OVERFLOW_FACTOR,
  RESTART_ALLOWANCE_MS,
  SCENARIO_DEFAULTS,
} from './defaults.ts';
import { ScenarioConfigError } from './config-error.ts';
import { expectedViolations, PAST_RETENTION, type Capability, type Scenario } from './scenario.ts';

export interface PlanOptions {
  /** Proxy profile for this run (like --profile), over the scenario's. */
  profile?: string;
  /** The proxy of scenarios that do not pin one (like --proxy); default nginx. */
  proxy?: ProxyKind;
  /** The user's own proxy configs by kind (--nginx-config, ...): each replaces `good` on its kind. */
  userConfigs?: Partial<Record<ProxyKind, UserProxyConfig>>;
  /** Several proxies in one run: result names carry the proxy (`baseline@haproxy`). */
  matrix?: boolean;
  /** Target for this run (like --target), over the scenario's. */
  target?: TargetSpec;
  /** SLO overrides from the project config (below the scenario's own). */
  configSlos?: SloOverrides;
  /** SLO overrides from the command line (above everything). */
  cliSlos?: SloOverrides;
}

export interface FleetPlan {
  /** Every subscriber: the modelled fleet and the real browsers. */
  count: number;
  /** Subscribers of the modelled fleet (`browser` + `backoff`): sub ids 0 .. modelCount - 1. */
  modelCount: number;
  /** Share of browser-model clients in the modelled fleet (the rest use backoff). */
  browserFraction: number;
  /**
   * Real Chromium EventSources (sub ids modelCount .. count - 1), `perContext` to a browser context;
   * count 0: no browser is started.
   */
  chromium: { count: number; perContext: number };
  /** Share of the fleet on the second client lane (edge-b). */
  edgeBFraction: number;
  rampMs: number;
  topics: string[];
  /** Topics of the subscribers on edge-b (the faulted fraction). */
  fractionTopics: string[];
  /** The idle watchdog: silence this long ends a stream (declared heartbeat x multiple). */
  watchdogMs: number;
  backoff: { baseMs: number; capMs: number };
}

export interface WorkloadPlan {
  ratePerSec: number;
  durationMs: number;
  payloadBytes: number;
  payloadBytesByTopic: Record<string, number>;
  topics: string[];
  publishers: number;
  pauses: Pause[];
  /** Publishes the schedule holds (pauses excluded). */
  planned: number;
}

export interface RunPlan {
  scenario: Scenario;
  /**
   * What only the machine can tell (checked by the runner before the stack starts, each a skip with
   * its reason when missing): redis-server, root + iproute2 + nftables, the kernel's netem.
   */
  probes: ('redis' | 'netns' | 'netem')[];
  /** The target runs in a network namespace of its own (faults below TCP). */
  netns: boolean;
  /** The result's name: the scenario's, with `@proxy` in a matrix run. */
  name: string;
  /** Set when the scenario cannot run against this target: neither passed nor errored. */
  skip?: { needs: string[]; reason: string };
  target: TargetSpec;
  declarations: Declarations;
  /** The proxy kind and its profile (`user`: the user's own config, in `userConfig`). */
  proxy: ProxyKind;
  profile: string;
  userConfig?: UserProxyConfig;
  /** What the proxy's config says about timeouts, buffering and compression, for the diagnoses. */
  proxyFacts?: ProxyFacts;
  profileParams: ProfileParams;
  /** How clients reach nginx: TLS with a per-run certificate, HTTP/2 (over TLS only). */
  transport: Transport;
  fleet: FleetPlan;
  workload: WorkloadPlan;
  faults: FaultStep[];
  features: ScenarioFeatures;
  checkContext: CheckContext;
  slos: SloSpec[];
  expected: 'pass' | string[];
  settleMs: number;
  drainMs: number;
  /** What the plan changed or decided, in words (shown in the report). */
  notes: string[];
}

export interface Transport {
  tls: boolean;
  http2: boolean;
}

/** EventSources per browser context by default: Chromium's HTTP/1.1 cap per origin, or one HTTP/2 connection's worth. */
export const CHROMIUM_PER_CONTEXT = { http1: 6, http2: 100 } as const;

/**
 * Splits `count` subscribers by profile shares: the real browsers' share rounded (at least one when
 * asked for), the rest modelled.
 */
export function splitFleet(
  count: number,
  shares: { browser?: number; backoff?: number; chromium?: number },
): { modelCount: number; chromiumCount: number; browserFraction: number } {
  const browser = shares.browser ?? 0;
  const backoff = shares.backoff ?? 0;
  const chromium = shares.chromium ?? 0;
  const model = browser + backoff;
  let chromiumCount =
    chromium === 0 ? 0 : model === 0 ? count : Math.round((count * chromium) / (model + chromium));
  chromiumCount = Math.min(count, Math.max(chromium > 0 ? 1 : 0, chromiumCount));
  return {
    modelCount: count - chromiumCount,
    chromiumCount,
    browserFraction: model === 0 ? 0 : browser / model,
  };
}

const MASS_CUTS = new Set(['cut', 'blackhole', 'limit-data', 'target-sigterm', 'target-sigkill']);
/** The capability each target fault needs: a graceful stop and start, or a kill and start. */
const FAULT_NEEDS: Record<string, Capability> = {
  'target-sigterm': 'restart',
  'target-sigkill': 'crash',
  'redis-restart': 'redis',
  'packet-loss': 'netns',
  'rate-limit': 'netns',
  netem: 'netem',
};
const TARGET_FAULTS = new Set(['target-sigterm', 'target-sigkill']);
/** Faults that stop something and start it again (it takes a while, and `downMs` more). */
const RESTARTS = new Set([...TARGET_FAULTS, 'redis-restart']);
/** Faults that act on the link of a target in a network namespace. */
const BELOW_TCP = new Set(['packet-loss', 'rate-limit', 'netem']);

/** The instance a target fault names (`params.instance`), if any. */
const instanceParam = (f: { params: Record<string, unknown> }): string | undefined =>
  typeof f.params.instance === 'string' ? f.params.instance : undefined;

/** The target of a run: the override, the scenario's, or the reference server; scenario options applied. */
export function resolveTarget(s: Scenario, override?: TargetSpec): TargetSpec {
  const spec = override ?? s.topology.target ?? { kind: 'reference' as const, options: {} };
  if (spec.kind !== 'reference' && spec.kind !== 'zoo') return spec;
  // Every option is passed explicitly, so the declarations are exactly what the server was told.
  return { ...spec, options: { ...SCENARIO_DEFAULTS.server, ...s.topology.server, ...spec.options } };
}

/** What the target offers, by capability. */
function offers(target: TargetSpec, d: Declarations): Record<Capability, string | undefined> {
  const can = controlOffers(target);
  const started = target.kind === 'reference' || target.kind === 'zoo';
  return {
    instances: started
      ? undefined
      : 'several instances of the target behind the proxy on one shared log (sse-chaos starts them for the ' +
        `reference server and zoo members; this ${target.kind} target is one server)`,
    redis: started
      ? undefined
      : `a Redis log the stack starts and can fault (the reference server's --log redis; this ${target.kind} ` +
        'target brings its own storage)',
    netns:
      target.kind === 'url'
        ? 'a target sse-chaos starts (it runs in a network namespace of its own; a url target runs elsewhere)'
        : undefined,
    // Whether the kernel has netem only the machine can tell (the runner probes it); the namespace
    // it needs is the `netns` capability.
    netem: undefined,
    restart: can.restart
      ? undefined
      : 'a way to stop and restart the target (sse-chaos did not start this url target: give "control" ' +
        'commands, stop + start or restart)',
    crash: can.crash
      ? undefined
      : 'a way to crash and start the target (sse-chaos did not start this url target: give "control" ' +
        'commands, kill + start or restart)',
    durable: d.durable ? undefined : 'a durable log (declares.durable: true)',
    retention: d.retention ? undefined : 'a declared replay retention (declares.retention: { events or ms })',
    'shutdown-grace':
      d.shutdownGraceMs !== undefined
        ? undefined
        : 'a declared shutdown grace period (declares.shutdownGraceMs)',
  };
}

/**
 * What a multi-instance, Redis or network-namespace scenario must get right against the target it
 * runs on (a config error names the scenario and the field): instances it names exist, a Redis it
 * restarts keeps its data, a target in a namespace does not need the host's Redis.
 */
function checkCluster(s: Scenario, target: TargetSpec): void {
  const started = target.kind === 'reference' || target.kind === 'zoo';
  if (!started) return; // a target without these capabilities is skipped, not misconfigured
  const o = target.options;
  const count = o.instances ?? 1;
  if (count > 1 && o.log !== 'redis')
    throw new ScenarioConfigError(
      `${s.name}: topology.server.instances: ${count} instances need log: 'redis' (memory and file logs belong to one process)`,
    );
  s.faults.forEach((f, i) => {
    const name = instanceParam(f);
    const legNumber = /^origin-(\d+)$/.exec(f.leg ?? '')?.[1];
    const n =
      name !== undefined ? Number(name.slice('instance-'.length)) : legNumber ? Number(legNumber) : undefined;
    if (n !== undefined && (n < 1 || n > count))
      throw new ScenarioConfigError(
        `${s.name}: faults.${i}: ${name ?? f.leg} does not exist: the target runs ${count} instance${count === 1 ? '' : 's'} (topology.server.instances)`,
      );
    if ((f.action === 'redis-restart' || f.leg === 'redis') && o.log !== 'redis')
      throw new ScenarioConfigError(
        `${s.name}: faults.${i}: ${f.action} acts on the Redis log: set topology.server.log: 'redis'`,
      );
    if (f.action === 'redis-restart' && o.redisPersistence !== 'aof-always')
      throw new ScenarioConfigError(
        `${s.name}: faults.${i}: redis-restart on a Redis without persistence empties the log (every stream resets): ` +
          "set topology.server.redisPersistence: 'aof-always'",
      );
  });
  if (s.topology.netns && o.log === 'redis')
    throw new ScenarioConfigError(
      `${s.name}: topology.netns: a target in a network namespace cannot reach the stack's Redis; use a memory or file log`,
    );
}

export function planScenario(s: Scenario, options: PlanOptions = {}): RunPlan {
  const notes: string[] = [];
  const target = resolveTarget(s, options.target);
  const d = declarationsOf(target);
  const proxy = s.topology.proxy ?? options.proxy ?? DEFAULT_PROXY;
  const userConfig = options.userConfigs?.[proxy];
  // The user's own config takes the place of `good`; a misconfiguration scenario keeps its profile.
  const profile =
    options.profile ?? (userConfig && s.topology.profile === 'good' ? USER_PROFILE : s.topology.profile);
  const profileSkip =
    profile === USER_PROFILE || isProxyProfile(proxy, profile)
      ? undefined
      : `profile "${profile}" of this scenario is not a ${proxy} profile (${proxy} has: ${listProxyProfiles(
          proxy,
        )
          .map((p) => p.name)
          .join(', ')})`;
  // TLS (and HTTP/2) is rendered into sse-chaos's own nginx profiles only.
  const tlsSkip = !s.topology.tls
    ? undefined
    : proxy !== 'nginx'
      ? `TLS and HTTP/2 scenarios run behind nginx only; this run uses ${proxy}`
      : profile === USER_PROFILE
        ? "TLS and HTTP/2 scenarios run on sse-chaos's own nginx profiles; your config serves plain HTTP"
        : undefined;
  const retryBase = d.retry?.baseMs;
  const retryMax = d.retry ? d.retry.baseMs + d.retry.jitterMs : undefined;

  // Capabilities: the ones the faults and the topology imply, plus the scenario's own.
  const needs = new Set<Capability>(s.needs);
  for (const f of s.faults) {
    const need = FAULT_NEEDS[f.action];
    if (need) needs.add(need);
    if (BELOW_TCP.has(f.action)) needs.add('netns');
    if (f.action === 'target-sigterm') needs.add('shutdown-grace');
    if (f.duration === PAST_RETENTION) needs.add('retention');
    if (instanceParam(f) !== undefined || /^origin-\d+$/.test(f.leg ?? '')) needs.add('instances');
    if (f.leg === 'redis') needs.add('redis');
  }
  if ((s.topology.server.instances ?? 1) > 1) needs.add('instances');
  if (s.topology.server.log === 'redis') needs.add('redis');
  if (s.topology.netns) needs.add('netns');
  checkCluster(s, target);
  const have = offers(target, d);
  const missing = [...needs].filter((c) => have[c] !== undefined);

  // The workload, and a fault that must outlast the declared retention.
  let ratePerSec = s.workload.ratePerSec;
  let publishers = s.workload.publishers;
  let overflow: { index: number; durationMs: number } | undefined;
  let skipReason: string | undefined;
  const pastRetention = s.faults.findIndex((f) => f.duration === PAST_RETENTION);
  if (pastRetention >= 0 && d.retention) {
    const r = d.retention;
    let outage = 0;
    if (r.events !== undefined) {
      const events = Math.ceil(r.events * OVERFLOW_FACTOR) + 20;
      let rate = ratePerSec;
      if ((events / rate) * 1000 > MAX_OVERFLOW_OUTAGE_MS)
        rate = Math.ceil((events * 1000) / MAX_OVERFLOW_OUTAGE_MS);
      if (rate > MAX_OVERFLOW_RATE_PER_SEC) {
        skipReason =
          `the declared retention of ${r.events} events is more than this scenario can overflow ` +
          `(${Math.floor((MAX_OVERFLOW_RATE_PER_SEC * MAX_OVERFLOW_OUTAGE_MS) / 1000 / OVERFLOW_FACTOR)} events ` +
          `at most); declare a smaller retention for the test deployment`;
      } else {
        if (rate !== ratePerSec) {
          notes.push(
            `publish rate raised from ${ratePerSec}/s to ${rate}/s to overflow the declared retention`,
          );
          publishers = Math.max(publishers, Math.ceil(rate / 150));
          ratePerSec = rate;
        }
        outage = Math.ceil((events / ratePerSec) * 1000);
      }
    }
    if (r.ms !== undefined && !skipReason) {
      const byTime = Math.ceil(r.ms * OVERFLOW_FACTOR) + 1000;
      if (byTime > 60_000) {
        skipReason = `the declared retention of ${r.ms} ms is longer than this scenario can wait (60 s)`;
      }
      outage = Math.max(outage, byTime);
    }
    if (!skipReason) {
      overflow = { index: pastRetention, durationMs: outage };
      notes.push(`fault ${s.faults[pastRetention]!.action} lasts ${outage} ms: past the declared retention`);
    }
  }

  // Fault steps, with their legs.
  const faults: FaultStep[] = s.faults.map((f, i) => {
    const duration =
      f.duration === PAST_RETENTION ? (overflow?.index === i ? overflow.durationMs : 0) : f.duration;
    const leg: Leg | undefined = f.leg ?? (f.fraction !== undefined ? 'edge-b' : undefined);
    return { at: f.at, duration, action: f.action, params: f.params, ...(leg ? { leg } : {}) };
  });

  // The fleet.
  const transport: Transport = { tls: s.topology.tls, http2: s.topology.http2 };
  const split = splitFleet(s.fleet.count, s.fleet.profiles);
  const fleet: FleetPlan = {
    count: s.fleet.count,
    modelCount: split.modelCount,
    browserFraction: split.browserFraction,
    chromium: {
      count: split.chromiumCount,
      perContext:
        s.fleet.chromium.perContext ??
        (transport.http2 ? CHROMIUM_PER_CONTEXT.http2 : CHROMIUM_PER_CONTEXT.http1),
    },
    edgeBFraction: s.edgeBFraction,
    rampMs: s.fleet.rampMs,
    topics: s.fleet.topics ?? [...s.workload.topics],
    fractionTopics: s.fleet.fractionTopics ?? s.fleet.topics ?? [...s.workload.topics],
    watchdogMs: d.heartbeatMs * s.fleet.watchdogMultiple,
    backoff: { baseMs: s.fleet.backoff.baseMs, capMs: s.fleet.backoff.capMs },
  };

  // Every fault is followed by a judged window: extend the workload if it stops too soon.
  // Clients that obey `retry:`: the browser model and real browsers.
  const obeying = Math.floor(fleet.modelCount * fleet.browserFraction) + fleet.chromium.count;
  const maxWait = Math.max(obeying > 0 ? (retryMax ?? BROWSER_DEFAULT_RETRY_MS) : 0, fleet.backoff.capMs);
  let durationMs = s.workload.durationMs;
  if (faults.length > 0) {
    // Where each fault's subscribers are back: a fault that cuts streams costs a reconnect wait (and a
    // target fault its restart), one that only slows them (latency, bandwidth) a heartbeat.
    const back = (f: FaultStep): number =>
      f.at +
      f.duration +
      (RESTARTS.has(f.action) ? RESTART_ALLOWANCE_MS + Number(f.params.downMs ?? 0) : 0) +
      (MASS_CUTS.has(f.action) ? maxWait : 0) +
      d.heartbeatMs;
    const needed = Math.ceil(Math.max(...faults.map(back)) + MIN_JUDGED_WINDOW_MS);
    if (needed > durationMs) {
      notes.push(
        `workload extended from ${durationMs} to ${needed} ms so the last fault is followed by a judged window`,
      );
      durationMs = needed;
    }
  }
  const pauses = s.workload.pauses.map((p) => ({ at: p.at, duration: p.duration }));
  const planned = publishOffsets(durationMs, ratePerSec, pauses).length;
  const workload: WorkloadPlan = {
    ratePerSec,
    durationMs,
    payloadBytes: s.workload.payloadBytes,
    payloadBytesByTopic: { ...s.workload.payloadBytesByTopic },
    topics: [...s.workload.topics],
    publishers,
    pauses,
    planned,
  };

  // A storm can be judged only where enough retry-obeying clients are cut together (checks/context.ts).
  // A lane already cut off by an earlier fault has nothing left to cut.
  const lanesOf = (leg: Leg | undefined): ('edge' | 'edge-b')[] =>
    leg === 'edge' || leg === 'edge-b' ? [leg] : ['edge', 'edge-b'];
  const share = { edge: 1 - fleet.edgeBFraction, 'edge-b': fleet.edgeBFraction };
  const instances =
    target.kind === 'reference' || target.kind === 'zoo' ? (target.options.instances ?? 1) : 1;
  const obeyingCut = (f: FaultStep): number => {
    // A cut between the instances and Redis cuts no client's stream.
    if (!MASS_CUTS.has(f.action) || f.leg === 'redis') return 0;
    const away = (lane: 'edge' | 'edge-b'): boolean =>
      faults.some(
        (g) =>
          g !== f &&
          MASS_CUTS.has(g.action) &&
          lanesOf(g.leg).includes(lane) &&
          g.at < f.at &&
          g.at + g.duration > f.at,
      );
    const connected = lanesOf(f.leg)
      .filter((lane) => !away(lane))
      .reduce((sum, lane) => sum + share[lane], 0);
    // One instance of several (its stop, or its origin leg): about its share of the fleet.
    const one = instanceParam(f) !== undefined || /^origin-\d+$/.test(f.leg ?? '');
    return Math.floor((obeying * connected) / (one ? instances : 1));
  };
  const massCut = faults.some((f) => obeyingCut(f) >= JUDGING.spreadMinSubscribers);
  const features: ScenarioFeatures = {
    faults: faults.length > 0,
    latencyFault: faults.some((f) => f.action === 'latency'),
    massCut,
    retryObeyingClients: obeying > 0,
    realBrowsers: fleet.chromium.count > 0,
    sigterm: faults.some((f) => f.action === 'target-sigterm'),
    targetStop: faults.some((f) => TARGET_FAULTS.has(f.action)),
    instanceStop: faults.some((f) => TARGET_FAULTS.has(f.action) && instanceParam(f) !== undefined),
    durable: d.durable,
    retention: d.retention !== undefined,
    gapExpected: overflow !== undefined,
  };

  const ctx = checkContext({
    heartbeatMs: d.heartbeatMs,
    retention: d.retention,
    durable: d.durable,
    browserDefaultRetryMs: BROWSER_DEFAULT_RETRY_MS,
    backoffCapMs: fleet.backoff.capMs,
    watchdogMs: fleet.watchdogMs,
    graceMs: d.shutdownGraceMs ?? 0,
  });
  const facts = userConfig && profile === USER_PROFILE ? proxyFacts(userConfig) : undefined;
  const all = defaultSlos(
    ctx,
    {
      maxReconnectWaitMs: maxWait,
      minAcknowledged: Math.max(1, Math.floor(planned * MIN_ACKNOWLEDGED_SHARE)),
      minWindowEvents: MIN_WINDOW_EVENTS,
    },
    facts,
  );
  let resolved: SloSpec[];
  try {
    resolved = resolveSlos(all, { config: options.configSlos, scenario: s.slos, cli: options.cliSlos });
  } catch (err) {
    throw new ScenarioConfigError(`${s.name}: ${(err as Error).message}`);
  }
  const slos = resolved.filter((spec) => spec.appliesTo?.(features) ?? true);

  const profileParams: ProfileParams = {
    heartbeatMs: d.heartbeatMs,
    // nginx's SSE error page hands out the target's own retry range (base .. base + jitter).
    ...(retryBase !== undefined ? { unavailableRetryMinMs: retryBase, unavailableRetryMaxMs: retryMax } : {}),
    ...(s.topology.profileParams as ProfileParams | undefined),
  };

  // Several instances are rendered into sse-chaos's own profiles only.
  const clusterSkip =
    needs.has('instances') && profile === USER_PROFILE
      ? `several instances run behind sse-chaos's own ${proxy} profiles; your config names one {{upstream}}`
      : undefined;
  const skip = profileSkip
    ? { needs: [`${proxy}-profile`], reason: profileSkip }
    : tlsSkip
      ? { needs: ['nginx-tls'], reason: tlsSkip }
      : clusterSkip
        ? { needs: [`${proxy}-profile`], reason: clusterSkip }
        : missing.length > 0
          ? {
              needs: missing,
              reason: `needs ${missing.map((c) => have[c]).join('; ')}`,
            }
          : skipReason
            ? { needs: ['retention'], reason: skipReason }
            : undefined;

  const probes: RunPlan['probes'] = [];
  if (needs.has('redis')) probes.push('redis');
  if (needs.has('netns') || needs.has('netem')) probes.push('netns');
  if (needs.has('netem')) probes.push('netem');
  return {
    scenario: s,
    probes,
    netns: needs.has('netns') || needs.has('netem'),
    name: options.matrix ? `${s.name}@${proxy}` : s.name,
    ...(skip ? { skip } : {}),
    target,
    declarations: d,
    proxy,
    profile,
    ...(userConfig && profile === USER_PROFILE ? { userConfig } : {}),
    ...(facts ? { proxyFacts: facts } : {}),
    profileParams,
    transport,
    fleet,
    workload,
    faults,
    features,
    checkContext: ctx,
    slos,
    expected: s.expect === 'pass' ? 'pass' : expectedViolations(s),
    settleMs: s.settleMs,
    drainMs: s.drainMs,
    notes,
  };
}
