/**
 * The runner: one scenario on a fresh topology, start to verdict.
 *
 *   topology -> metrics 'before' -> fleet (ramp) -> workload + nemesis -> workload end -> drain
 *   -> fleet stop -> metrics 'after' -> teardown (always) -> checks -> SLOs -> ScenarioResult
 *
 * Before anything starts, a preflight checks that the fleet fits under the open-file limit
 * (fd-preflight.ts): a run that would die halfway through the ramp fails at once, as exit code 3.
 *
 * Everything started here has one owner and is stopped in `finally`, also on Ctrl-C (the abort
 * signal) and on errors. Infrastructure failures (a component would not start, a fault could not
 * be applied) give verdict `error`: the SLOs cannot be judged on a run that did not happen.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import type { ScenarioResult } from '../../reports/results.ts';
import { runChecks, buildSeries, faultWindows } from '../checks/index.ts';
import { checkContext, type CheckContext } from '../checks/context.ts';
import { createRunClock } from '../history/clock.ts';
import type { HistoryRecord } from '../history/records.ts';
import { History } from '../history/store.ts';
import { startNemesis, type Nemesis } from '../faults/nemesis.ts';
import { toxiproxyApi } from '../faults/toxiproxy-api.ts';
import {
  evaluateSlos,
  resolveSlos,
  verdictFor,
  DEFAULT_SLOS,
  defaultSlos,
  type SloOverrides,
} from '../slo/index.ts';
import { scrapeMetrics } from '../telemetry/scrape.ts';
import { inSpan } from '../telemetry/tracing.ts';
import { InfrastructureError, TopologyConfigError } from '../topology/errors.ts';
import { startTopology } from '../topology/index.ts';
import { parseRuntimeChoice, resolveRuntime } from '../topology/runtime.ts';
import type { TargetSpec } from '../topology/target.ts';
import type { ComponentVersions, RuntimeName, Topology } from '../topology/topology.ts';
import { startWorkload, type Workload, type WorkloadStats } from '../workload/publisher.ts';
import { ScenarioConfigError } from './config-error.ts';
import { DrainTracker } from './drain.ts';
import { fdLimitProblem, readHardFdLimit } from './fd-preflight.ts';
import { startFleetFor, type RunningFleet } from './fleet-setup.ts';
import { publisherFor } from './publish-client.ts';
import { expectedViolations, type Scenario } from './scenario.ts';

export interface RunScenarioOptions {
  /** nginx profile for this run (overrides the scenario's, like --profile). */
  profile?: string;
  /** Target for this run (overrides the scenario's, like --target). */
  target?: TargetSpec;
  /** SLO thresholds from the project config; the scenario's own overrides win over these. */
  slos?: Record<string, number>;
  /** SLO thresholds from the command line; they win over everything. */
  sloOverrides?: Record<string, number>;
  seed?: number;
  runtime?: RuntimeName;
  signal?: AbortSignal;
  onPhase?(phase: string): void;
  tracer?: Tracer;
}

export interface ScenarioOutcome {
  result: ScenarioResult;
  versions?: ComponentVersions;
  /** The run was interrupted (Ctrl-C): the result is partial. */
  interrupted: boolean;
  /** The error was infrastructure (exit code 3), not a verdict. */
  infrastructure: boolean;
}

/** Thrown when the signal fired; the caller writes what it has and exits. */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** The target a scenario runs against: the override, its own, or the reference server. */
export function targetFor(s: Scenario, override?: TargetSpec): TargetSpec {
  const spec = override ?? (s.topology.target as TargetSpec | undefined);
  const { heartbeatMs, retryMs, retryJitterMs, log, logRetention, graceMs, publishToken, extraArgs } =
    s.topology.server;
  const scenarioOptions = {
    heartbeatMs,
    retryMs,
    retryJitterMs,
    log,
    logRetention,
    graceMs,
    publishToken,
    extraArgs,
  };
  const defined = Object.fromEntries(Object.entries(scenarioOptions).filter(([, v]) => v !== undefined));
  if (!spec) return { kind: 'reference', options: defined };
  if (spec.kind === 'reference') return { kind: 'reference', options: { ...defined, ...spec.options } };
  return spec;
}

export function describeTarget(spec: TargetSpec): string {
  if (spec.kind === 'reference') {
    const o = spec.options;
    return `reference server (heartbeat ${o.heartbeatMs ?? '?'} ms, retry ${o.retryMs ?? '?'}+${o.retryJitterMs ?? 0} ms, log ${o.log ?? 'memory'}${o.logRetention ? `, retention ${o.logRetention}` : ''})`;
  }
  if (spec.kind === 'command') return `command: ${spec.command.join(' ')}`;
  return `url: ${spec.baseUrl}`;
}

/** What the checks must know about this scenario (cadences, watchdog, grace). */
export function checkContextFor(s: Scenario): CheckContext {
  const srv = s.topology.server;
  return checkContext({
    heartbeatMs: srv.heartbeatMs,
    retryMs: srv.retryMs,
    retryJitterMs: srv.retryJitterMs,
    watchdogMs: srv.heartbeatMs * s.fleet.watchdogMultiple,
    graceMs: srv.graceMs,
    // After a fault is repaired, clients need up to their reconnect delay to come back: that is
    // recovery (judged by recovery-time), not steady-state latency or silence.
    faultSettleMs: Math.max(srv.retryMs + srv.retryJitterMs, s.fleet.backoff.capMs) + 500,
    // A mass reconnect is one that most of the cut clients take part in: a window cut short by the
    // next anchor (e.g. a fast restart) holds only the earliest few and says nothing about jitter.
    spreadMinSubscribers: Math.max(
      5,
      Math.ceil(0.4 * (s.edgeBFraction > 0 ? s.edgeBFraction : 1) * s.fleet.count),
    ),
    backoff: {
      initialMs: s.fleet.backoff.baseMs,
      maxMs: s.fleet.backoff.capMs,
      multiplier: 2,
      fullJitter: true,
    },
  });
}

export async function runScenario(s: Scenario, opts: RunScenarioOptions = {}): Promise<ScenarioOutcome> {
  const started = performance.now();
  const clock = createRunClock();
  const history = new History();
  const record = (r: HistoryRecord) => history.append(r);
  const profile = opts.profile ?? s.topology.profile;
  const target = targetFor(s, opts.target);
  const phase = (p: string) => opts.onPhase?.(p);
  const signal = opts.signal;

  let topology: Topology | undefined;
  let fleet: RunningFleet | undefined;
  let workload: Workload | undefined;
  let nemesis: Nemesis | undefined;
  let stats: WorkloadStats = { published: 0, acknowledged: 0, failed: 0 };
  let error: string | undefined;
  let infrastructure = false;
  let interrupted = false;
  const metrics = { before: {} as Record<string, number>, after: {} as Record<string, number> };
  let logs: ScenarioResult['logs'];

  const checkInterrupt = () => {
    if (signal?.aborted) throw new RunInterrupted('interrupted');
  };

  record({ kind: 'run-start', t: clock.now(), wallClock: new Date().toISOString() });
  try {
    // Resolved once here: the preflight judges the limits of the runtime the stack will use.
    const runtime = opts.runtime ?? (await resolveRuntime(parseRuntimeChoice(process.env.SSE_CHAOS_RUNTIME)));
    const fdProblem = fdLimitProblem(s.name, s.fleet.count, await readHardFdLimit(), runtime);
    if (fdProblem) throw new InfrastructureError('fd-limit', fdProblem);
    checkInterrupt();

    phase('starting stack');
    topology = await startTopology({
      profile,
      profileParams: {
        heartbeatMs: s.topology.server.heartbeatMs,
        // nginx's SSE error page hands out the same retry range the target would (base + jitter).
        unavailableRetryMinMs: s.topology.server.retryMs,
        unavailableRetryMaxMs: s.topology.server.retryMs + s.topology.server.retryJitterMs,
        ...s.topology.profileParams,
      },
      target,
      runtime,
      ...(signal ? { signal } : {}),
    });
    checkInterrupt();
    const topo = topology;

    const before = await scrapeMetrics(topo.urls.metrics);
    if (before.ok) {
      metrics.before = before.samples;
      record({ kind: 'metrics', t: clock.now(), label: 'before', samples: before.samples });
    }

    phase('fleet ramp');
    fleet = await startFleetFor(s, topo, history, clock, opts.seed ?? 1);
    await sleep(s.settleMs, signal);
    // Bounded: behind a buffering proxy streams do not open until data flows, and that is the finding.
    await fleet.waitConnected(1500, signal);
    checkInterrupt();

    phase('workload + faults');
    const origin = clock.now();
    nemesis = startNemesis(
      s.faults.map((f) => ({
        at: f.at,
        duration: f.duration,
        action: f.action,
        params: f.params,
        ...(f.leg || f.fraction !== undefined ? { leg: f.leg ?? 'edge-b' } : {}),
      })),
      {
        topology: topo,
        api: toxiproxyApi(topo.urls.toxiproxyApi),
        record,
        now: clock.now,
        origin,
        ...(opts.tracer
          ? {
              wrap: (step, fn) =>
                inSpan(
                  opts.tracer!,
                  `fault ${step.action}`,
                  { 'fault.leg': step.leg ?? '', 'fault.at': step.at },
                  fn,
                ),
            }
          : {}),
      },
    );
    workload = startWorkload({
      ratePerSec: s.workload.ratePerSec,
      durationMs: s.workload.durationMs,
      payloadBytes: s.workload.payloadBytes,
      topics: s.workload.topics,
      publish: publisherFor(target, topo.urls.publish),
      record,
      now: clock.now,
    });
    const stopOnAbort = () => {
      workload?.stop();
      void nemesis?.stop();
    };
    signal?.addEventListener('abort', stopOnAbort, { once: true });
    try {
      stats = await workload.done;
      await nemesis.done;
    } finally {
      signal?.removeEventListener('abort', stopOnAbort);
    }
    checkInterrupt();
    if (nemesis.errors.length) {
      infrastructure = true;
      throw new InfrastructureError('nemesis', nemesis.errors.join('; '));
    }

    phase('drain');
    const drain = new DrainTracker(history);
    const drainEnd = performance.now() + s.drainMs;
    while (drain.behind() > 0 && performance.now() < drainEnd && !signal?.aborted) await sleep(100, signal);
    record({ kind: 'phase', t: clock.now(), phase: 'drained' });
    checkInterrupt();

    phase('teardown');
    await fleet.stop();
    fleet = undefined;
    metrics.after = await scrapeAfter(topo.urls.metrics, metrics.before, signal);
    record({ kind: 'metrics', t: clock.now(), label: 'after', samples: metrics.after });
  } catch (err) {
    if (err instanceof RunInterrupted || signal?.aborted) interrupted = true;
    else if (err instanceof ScenarioConfigError || err instanceof TopologyConfigError) throw err;
    else {
      infrastructure = true;
      error = (err as Error).message ?? String(err);
    }
  } finally {
    workload?.stop();
    await nemesis?.stop().catch(() => {});
    await fleet?.stop().catch(() => {});
    if (topology) {
      const l = await topology.logs().catch(() => undefined);
      if (l) logs = { nginxError: tail(l.nginxError), target: tail(l.target) };
      await topology.stop();
    }
  }
  record({ kind: 'run-end', t: clock.now() });
  if (process.env.SSE_CHAOS_HISTORY_DIR)
    await dumpHistory(process.env.SSE_CHAOS_HISTORY_DIR, s.name, history);

  const result = judge(s, {
    history,
    profile,
    target,
    stats,
    metrics,
    durationMs: performance.now() - started,
    error: interrupted ? 'interrupted' : error,
    nginxConfig: topology?.nginx.config,
    logs,
    slos: { ...opts.slos, ...s.slos, ...opts.sloOverrides },
  });
  return {
    result,
    versions: topology?.versions,
    interrupted,
    infrastructure: infrastructure && !interrupted,
  };
}

/** Scrapes /metrics after the fleet left, giving connections a moment to return to the baseline. */
async function scrapeAfter(
  url: string,
  before: Record<string, number>,
  signal?: AbortSignal,
): Promise<Record<string, number>> {
  const key = 'sse_active_connections';
  let last: Record<string, number> = {};
  const end = performance.now() + 3000;
  do {
    const r = await scrapeMetrics(url);
    if (r.ok) {
      last = r.samples;
      if (!(key in last) || last[key]! <= (before[key] ?? 0)) return last;
    }
    await sleep(100, signal);
  } while (performance.now() < end && !signal?.aborted);
  return last;
}

/** Debugging aid: the raw history as JSON lines (SSE_CHAOS_HISTORY_DIR=dir). */
async function dumpHistory(dir: string, name: string, history: History): Promise<void> {
  await mkdir(dir, { recursive: true });
  const lines: string[] = [];
  for (const r of history) lines.push(JSON.stringify(r));
  await writeFile(join(dir, `${name}.history.jsonl`), `${lines.join('\n')}\n`);
}

function tail(text: string, max = 20_000): string {
  return text.length > max ? `...${text.slice(-max)}` : text;
}

interface JudgeInput {
  history: History;
  profile: string;
  target: TargetSpec;
  stats: WorkloadStats;
  metrics: ScenarioResult['metrics'];
  durationMs: number;
  error: string | undefined;
  nginxConfig: string | undefined;
  logs: ScenarioResult['logs'];
  slos: Record<string, SloOverrideInput>;
}

export type SloOverrideInput = number | { threshold?: number; enabled?: boolean };

/** `{ name: threshold | override }` as resolveSlos' override objects. */
export function thresholds(slos: Record<string, SloOverrideInput>): SloOverrides {
  return Object.fromEntries(
    Object.entries(slos).map(([name, o]) => [name, typeof o === 'number' ? { threshold: o } : o]),
  );
}

/**
 * Fails fast, before any stack starts, on SLO names that do not exist (in overrides or in the
 * expectation): a typo there would otherwise surface only after the whole run.
 */
export function validateSlos(s: Scenario, opts: Pick<RunScenarioOptions, 'slos' | 'sloOverrides'>): void {
  const known = new Set(DEFAULT_SLOS.map((x) => x.name));
  const where = (origin: string, name: string) =>
    new ScenarioConfigError(`${origin}: unknown SLO "${name}"; known SLOs: ${[...known].join(', ')}`);
  for (const name of Object.keys(s.slos)) if (!known.has(name)) throw where(`${s.source}: slos`, name);
  for (const name of expectedViolations(s))
    if (!known.has(name)) throw where(`${s.source}: expect.violates`, name);
  for (const name of Object.keys(opts.slos ?? {})) if (!known.has(name)) throw where('config slos', name);
  for (const name of Object.keys(opts.sloOverrides ?? {})) if (!known.has(name)) throw where('--slo', name);
}

/** History -> checks -> SLOs -> the scenario's result. Pure apart from reading the history. */
function judge(s: Scenario, j: JudgeInput): ScenarioResult {
  const records = Array.from(j.history);
  const ctx = checkContextFor(s);
  const expectedNames = expectedViolations(s);
  const profiles: Record<string, number> = {};
  let subscribers = 0;
  for (const r of j.history.ofKind('subscriber')) {
    subscribers++;
    profiles[r.profile] = (profiles[r.profile] ?? 0) + 1;
  }
  const base = {
    name: s.name,
    description: s.description,
    expected: s.expect === 'pass' ? ('pass' as const) : expectedNames,
    durationMs: Math.round(j.durationMs),
    profile: j.profile,
    ...(j.nginxConfig ? { nginxConfig: j.nginxConfig } : {}),
    target: describeTarget(j.target),
    fleet: { subscribers, profiles },
    workload: { ...j.stats, ratePerSec: s.workload.ratePerSec },
    faults: faultWindows(records),
    series: buildSeries(records, ctx),
    metrics: j.metrics,
    ...(j.logs ? { logs: j.logs } : {}),
  };
  if (j.error !== undefined) {
    return { ...base, verdict: 'error', asExpected: false, error: j.error, slos: [], measurements: {} };
  }
  const measurements = runChecks(records, ctx);
  const specs = resolveSlos(defaultSlos(ctx), thresholds(j.slos));
  const slos = evaluateSlos(specs, measurements);
  const { verdict, asExpected } = verdictFor(slos, s.expect === 'pass' ? 'pass' : expectedNames);
  return { ...base, verdict, asExpected, slos, measurements };
}
