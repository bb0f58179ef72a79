/**
 * The runner: carries out one plan on a fresh stack. Lifecycle only; what to run is the plan's
 * (plan.ts), what it means is the judge's (judge.ts).
 *
 *   preflight -> stack -> metrics 'before' -> fleet (ramp) -> workload + nemesis -> drain
 *   -> fleet stop -> metrics 'after' -> teardown (always) -> judge
 *
 * Everything started here has one owner and is stopped in `finally`, also on Ctrl-C (the abort
 * signal) and on errors. Infrastructure failures (a component would not start, a fault could not be
 * applied) give verdict `error`: the SLOs cannot be judged on a run that did not happen.
 */
import { randomInt } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import { startNemesis, type Nemesis } from '../faults/nemesis.ts';
import { toxiproxyApi } from '../faults/toxiproxy-api.ts';
import { createRunClock } from '../history/clock.ts';
import { newRunNonce } from '../history/payload.ts';
import type { HistoryRecord } from '../history/records.ts';
import { History } from '../history/store.ts';
import type { ScenarioResult } from '../results/results.ts';
import { scrapeMetrics } from '../telemetry/scrape.ts';
import { inSpan } from '../telemetry/tracing.ts';
import { InfrastructureError, TopologyConfigError } from '../topology/errors.ts';
import { localOnly, localOnlyTarget, startTopology } from '../topology/index.ts';
import { netemMissing, netnsMissing } from '../topology/netns.ts';
import { redisMissing } from '../topology/redis-local.ts';
import { parseRuntimeChoice, resolveRuntime } from '../topology/runtime.ts';
import type { ComponentVersions, RuntimeName, Topology } from '../topology/topology.ts';
import { startWorkload, type Workload, type WorkloadStats } from '../workload/publisher.ts';
import { ScenarioConfigError } from './config-error.ts';
import { DrainTracker } from './drain.ts';
import {
  fdLimitProblem,
  planLayout,
  readHardFdLimit,
  SINGLE_LAYOUT,
  type ProcessLayout,
} from './fd-preflight.ts';
import { startFleetFor, type BrowserCost, type FleetProgress, type RunningFleet } from './fleet-setup.ts';
import {
  fleetSpecFor,
  shardNonce,
  shardRange,
  startSlicedFleet,
  type Shard,
  type SlicedFleet,
} from './fleet-slices.ts';
import { layoutNote, sizedProfileParams } from './layout.ts';
import { judge, skippedResult, type RunRecord } from './judge.ts';
import { startLoopLag, type LoopLag } from './loop-lag.ts';
import { planScenario, type PlanOptions, type RunPlan } from './plan.ts';
import { publisherFor } from './publish-client.ts';
import type { Scenario } from './scenario.ts';

export interface RunScenarioOptions extends PlanOptions {
  seed?: number;
  runtime?: RuntimeName;
  signal?: AbortSignal;
  /** A phase began; `live` reads the fleet's totals (connected, events; real browsers apart) while it runs. */
  onPhase?(phase: string, live?: () => FleetProgress): void;
  tracer?: Tracer;
  /**
   * Run only this machine's share of a fleet spread over machines (`--shard i/n`): its slice of the
   * subscribers and every n-th publish slot, against a target they all share. `runId` is then the one
   * id all shards were given: the run's nonce derives from it, so every shard's events are the run's.
   */
  shard?: Shard & { runId: string };
}

/** What carrying out a plan left behind: the judge's input, and what the caller may keep of it. */
export interface Recorded {
  /** The judge's input but the records, which are `history` (materialize them only to judge). */
  run: Omit<RunRecord, 'records'>;
  history: History;
  /** The run's nonce (every payload carries it). */
  nonce: string;
  /** What the run decided in words (process layout, clock agreement), for the report. */
  notes: string[];
  versions?: ComponentVersions;
  interrupted: boolean;
  infrastructure: boolean;
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

export async function runScenario(s: Scenario, opts: RunScenarioOptions = {}): Promise<ScenarioOutcome> {
  const plan = planScenario(s, opts);
  if (plan.skip) return { result: skippedResult(plan), interrupted: false, infrastructure: false };
  return runPlan(plan, opts);
}

/** Carries out a plan and judges it: the whole lifecycle of one run. */
export async function runPlan(plan: RunPlan, opts: RunScenarioOptions = {}): Promise<ScenarioOutcome> {
  // Resolved once here: the stack and the preflight use the runtime this run will have.
  const runtime = opts.runtime ?? (await resolveRuntime(parseRuntimeChoice(process.env.SSE_CHAOS_RUNTIME)));
  const localOnlyWhy =
    runtime === 'containers'
      ? (localOnly(plan.proxy, plan.userConfig !== undefined) ?? localOnlyTarget(plan.target, plan.netns))
      : undefined;
  if (localOnlyWhy) {
    const skip = { needs: ['local-runtime'], reason: `needs the local runtime: ${localOnlyWhy}` };
    return { result: skippedResult({ ...plan, skip }), interrupted: false, infrastructure: false };
  }
  // What only this machine can tell: a missing tool or kernel feature is a skip, never an error.
  const absent = await machineLacks(plan.probes);
  if (absent) {
    const skip = { needs: [absent.need], reason: `needs ${absent.reason}` };
    return { result: skippedResult({ ...plan, skip }), interrupted: false, infrastructure: false };
  }
  const r = await recordPlan(plan, { ...opts, runtime });
  const result = judge(r.notes.length ? { ...plan, notes: [...plan.notes, ...r.notes] } : plan, {
    ...r.run,
    records: Array.from(r.history),
  });
  return {
    result,
    versions: r.versions,
    interrupted: r.interrupted,
    infrastructure: r.infrastructure,
  };
}

/** Carries out a plan (lifecycle only) and hands back what it recorded, unjudged. */
export async function recordPlan(plan: RunPlan, opts: RunScenarioOptions = {}): Promise<Recorded> {
  const started = performance.now();
  const clock = createRunClock();
  const history = new History();
  const record = (r: HistoryRecord) => history.append(r);
  const shard = opts.shard;
  const run = shard
    ? shardNonce(shard.runId, plan.scenario.name)
    : newRunNonce(() => randomInt(0, 2 ** 32) / 2 ** 32);
  // This machine's subscribers: its shard's slice, or the whole fleet.
  const fleetCount = shard ? shardRange(plan.fleet.count, shard).count : plan.fleet.count;
  let live: (() => FleetProgress) | undefined;
  const phase = (p: string) => opts.onPhase?.(p, live);
  const signal = opts.signal;

  let topology: Topology | undefined;
  let fleet: Pick<RunningFleet, 'waitConnected' | 'stop'> | undefined;
  let sliced: SlicedFleet | undefined;
  let single: RunningFleet | undefined;
  let layout: ProcessLayout = SINGLE_LAYOUT;
  const runNotes: string[] = [];
  let workload: Workload | undefined;
  let nemesis: Nemesis | undefined;
  let stats: WorkloadStats = { published: 0, acknowledged: 0, failed: 0 };
  let error: string | undefined;
  let infrastructure = false;
  let interrupted = false;
  const metrics = { before: {} as Record<string, number>, after: {} as Record<string, number> };
  let logs: ScenarioResult['logs'];
  let browsers: BrowserCost | undefined;
  let lag: ReturnType<typeof startLoopLag> | undefined;
  let harnessLag: LoopLag | undefined;

  const checkInterrupt = () => {
    if (signal?.aborted) throw new RunInterrupted('interrupted');
  };

  record({ kind: 'run-start', t: clock.now(), wallClock: new Date().toISOString(), run });
  try {
    // Resolved once here: the preflight judges the limits of the runtime the stack will use.
    const runtime = opts.runtime ?? (await resolveRuntime(parseRuntimeChoice(process.env.SSE_CHAOS_RUNTIME)));
    // The open-file limit binds per process: lay the stack out for the fleet, then check what cannot split.
    const hardLimit = await readHardFdLimit();
    layout = planLayout(fleetCount, hardLimit, runtime, availableParallelism());
    const fdProblem = fdLimitProblem(plan.scenario.name, fleetCount, hardLimit, runtime, layout);
    if (fdProblem) throw new InfrastructureError('fd-limit', fdProblem);
    // Real browsers, and the run's own TLS certificate, live in this process beside one fleet: a fleet
    // split over processes has neither.
    const onlyHere = [
      ...(plan.fleet.chromium.count > 0 ? ['real browsers (fleet.profiles.chromium)'] : []),
      ...(plan.transport.tls ? ["TLS with the run's certificate (topology.tls)"] : []),
    ];
    if ((layout.fleet > 1 || shard) && onlyHere.length)
      throw new ScenarioConfigError(
        `${plan.scenario.name}: ${onlyHere.join(' and ')} need the fleet in one process, ` +
          `but this fleet of ${plan.fleet.count} needs ${shard ? 'a shard' : `${layout.fleet} fleet processes`}; ` +
          'drop them or make the fleet smaller',
      );
    const note = layoutNote(layout, fleetCount);
    if (note) runNotes.push(note);
    checkInterrupt();

    phase('starting stack');
    topology = await startTopology({
      profile: plan.profile,
      profileParams: sizedProfileParams(plan.profileParams, layout, fleetCount),
      target: plan.target,
      proxy: plan.proxy,
      ...(plan.userConfig ? { userConfig: plan.userConfig } : {}),
      runtime,
      ...(plan.transport.tls ? { tls: { http2: plan.transport.http2 } } : {}),
      ...(plan.netns ? { netns: true } : {}),
      ...(layout.toxiproxy > 1 ? { toxiproxyProcesses: layout.toxiproxy } : {}),
      ...(signal ? { signal } : {}),
    });
    checkInterrupt();
    const topo = topology;
    // Which upstream address is which instance: the checks map the proxy's upstream header with it.
    for (const i of topo.target.instances ?? [])
      record({ kind: 'instance', t: clock.now(), name: i.name, upstream: i.upstream, leg: i.leg });

    const before = await scrapeMetrics(topo.urls.metrics);
    if (before.ok) {
      metrics.before = before.samples;
      record({ kind: 'metrics', t: clock.now(), label: 'before', samples: before.samples });
    }

    phase('fleet ramp');
    if (layout.fleet > 1 || shard) {
      const spec = fleetSpecFor(plan.fleet, topo.urls, {
        seed: opts.seed ?? 1,
        run,
        ...(shard ? { shard } : {}),
      });
      const slices = await startSlicedFleet(spec, layout.fleet, history, clock);
      fleet = sliced = slices;
      live = () => ({ subscribers: slices.size, ...slices.counters });
    } else {
      const running = await startFleetFor(plan.fleet, topo, history, clock, { seed: opts.seed ?? 1, run });
      fleet = single = running;
      live = () => running.progress();
    }
    await sleep(plan.settleMs, signal);
    // Bounded: behind a buffering proxy streams do not open until data flows, and that is the finding.
    // Real browsers open their contexts one after another: they get longer.
    await fleet.waitConnected(plan.fleet.chromium.count > 0 ? 5000 : 1500, signal);
    checkInterrupt();

    phase('workload + faults');
    lag = startLoopLag();
    const origin = clock.now();
    const tracer = opts.tracer;
    nemesis = startNemesis(plan.faults, {
      topology: topo,
      api: toxiproxyApi(topo.urls.toxiproxyApis ?? topo.urls.toxiproxyApi),
      record,
      now: clock.now,
      origin,
      ...(tracer
        ? {
            wrap: (step, fn) =>
              inSpan(
                tracer,
                `fault ${step.action}`,
                { 'fault.leg': step.leg ?? '', 'fault.at': step.at },
                fn,
              ),
          }
        : {}),
    });
    workload = startWorkload({
      ...plan.workload,
      run,
      publish: publisherFor(plan.target, topo.urls.publishAll ?? [topo.urls.publish]),
      record,
      now: clock.now,
      ...(shard ? { slots: { index: shard.index, of: shard.of } } : {}),
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
    const drainEnd = performance.now() + plan.drainMs;
    while (drain.behind() > 0 && performance.now() < drainEnd && !signal?.aborted) await sleep(100, signal);
    record({ kind: 'phase', t: clock.now(), phase: 'drained' });
    checkInterrupt();

    phase('teardown');
    harnessLag = lag.stop();
    browsers = single?.browserCost();
    await fleet.stop();
    fleet = undefined;
    const lost = sliced?.problem();
    if (lost) throw new InfrastructureError('fleet', lost);
    // A proxy may learn of a client's close only from a failed write, i.e. a heartbeat or two later
    // (Caddy: measured up to ~5 heartbeats): give the target's gauge that long to settle.
    const settleMs = Math.max(3000, 6 * plan.declarations.heartbeatMs);
    metrics.after = await scrapeAfter(topo.urls.metrics, metrics.before, settleMs, signal);
    record({ kind: 'metrics', t: clock.now(), label: 'after', samples: metrics.after });
  } catch (err) {
    if (err instanceof RunInterrupted || signal?.aborted) interrupted = true;
    else if (err instanceof ScenarioConfigError || err instanceof TopologyConfigError) throw err;
    else {
      infrastructure = true;
      error = describeError(err);
    }
  } finally {
    workload?.stop();
    await nemesis?.stop().catch(() => {});
    harnessLag ??= lag?.stop();
    browsers ??= single?.browserCost();
    await fleet?.stop().catch(() => {});
    if (topology) {
      const l = await topology.logs().catch(() => undefined);
      if (l) logs = { proxyError: tail(l.proxyError), target: tail(l.target) };
      await topology.stop();
    }
  }
  record({ kind: 'run-end', t: clock.now() });
  if (process.env.SSE_CHAOS_HISTORY_DIR)
    await dumpHistory(process.env.SSE_CHAOS_HISTORY_DIR, plan.scenario.name, history);

  if (sliced) runNotes.push(...sliced.notes());
  const runRecord: Omit<RunRecord, 'records'> = {
    stats,
    metrics,
    durationMs: performance.now() - started,
    ...(interrupted ? { error: 'interrupted' } : error !== undefined ? { error } : {}),
    ...(topology?.proxy.config ? { proxyConfig: topology.proxy.config } : {}),
    ...(logs ? { logs } : {}),
    ...(browsers ? { browsers } : {}),
    ...(harnessLag ? { harnessLag } : {}),
  };
  return {
    run: runRecord,
    history,
    nonce: run,
    notes: runNotes,
    versions: topology?.versions,
    interrupted,
    infrastructure: infrastructure && !interrupted,
  };
}

/** The first machine capability a plan needs that is missing here, with its reason. */
async function machineLacks(
  probes: RunPlan['probes'],
): Promise<{ need: RunPlan['probes'][number]; reason: string } | undefined> {
  for (const need of probes) {
    const reason =
      need === 'redis' ? redisMissing() : need === 'netns' ? await netnsMissing() : await netemMissing();
    if (reason) return { need, reason };
  }
  return undefined;
}

/** The message (an InfrastructureError's carries the component's last output). */
function describeError(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

/** Scrapes /metrics after the fleet left, giving connections a moment to return to the baseline. */
async function scrapeAfter(
  url: string,
  before: Record<string, number>,
  settleMs: number,
  signal?: AbortSignal,
): Promise<Record<string, number>> {
  const key = 'sse_active_connections';
  let last: Record<string, number> = {};
  const end = performance.now() + settleMs;
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
