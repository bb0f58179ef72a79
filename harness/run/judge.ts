/**
 * The judge: a run's history -> checks -> SLOs -> the scenario's result. Pure: it reads only the
 * plan and what the run recorded (Jepsen's checker sees only the history), so every verdict can be
 * recomputed from a saved history, and the judge is unit-tested without a stack.
 */
import {
  analyzeInstances,
  buildSeries,
  failoverGroups,
  faultWindows,
  instanceStory,
  runChecks,
} from '../checks/index.ts';
import type { CheckContext } from '../checks/context.ts';
import type { HistoryRecord } from '../history/records.ts';
import type { BrowserCost, InstancesReport, ScenarioResult, SloResult } from '../results/results.ts';
import { evaluateSlos, verdictFor } from '../slo/index.ts';
import type { TargetSpec } from '../topology/target.ts';
import type { WorkloadStats } from '../workload/publisher.ts';
import type { LoopLag } from './loop-lag.ts';
import { compareProfiles } from './model-check.ts';
import type { RunPlan } from './plan.ts';

/** What a run left behind for the judge. */
export interface RunRecord {
  records: readonly HistoryRecord[];
  stats: WorkloadStats;
  metrics: ScenarioResult['metrics'];
  durationMs: number;
  /** Infrastructure failure or interruption: the SLOs cannot be judged on a run that did not happen. */
  error?: string;
  proxyConfig?: string;
  logs?: ScenarioResult['logs'];
  /** What the run's real browser cost (runs with `chromium` clients). */
  browsers?: BrowserCost;
  /** How late this process's event loop ran while the fleet streamed (loop-lag.ts). */
  harnessLag?: LoopLag;
}

export function describeTarget(spec: TargetSpec): string {
  if (spec.kind === 'reference' || spec.kind === 'zoo') {
    const o = spec.options;
    const what = spec.kind === 'zoo' ? `zoo member ${spec.defect}` : 'reference server';
    const instances = (o.instances ?? 1) > 1 ? `${o.instances} instances, ` : '';
    const redis = o.log === 'redis' ? ` (redis-server, persistence ${o.redisPersistence ?? 'none'})` : '';
    return (
      `${what} (${instances}heartbeat ${o.heartbeatMs ?? '?'} ms, retry ${o.retryMs ?? '?'}+${o.retryJitterMs ?? 0} ms, ` +
      `log ${o.log ?? 'memory'}${redis}${o.logRetention ? `, retention ${o.logRetention}` : ''})`
    );
  }
  if (spec.kind === 'command') return `command: ${spec.command.join(' ')}`;
  return `url: ${spec.baseUrl}`;
}

/** The parts of a result that do not depend on the verdict. */
function basis(
  plan: RunPlan,
  run: RunRecord,
): Omit<ScenarioResult, 'verdict' | 'asExpected' | 'slos' | 'measurements'> {
  const s = plan.scenario;
  const profiles: Record<string, number> = {};
  let subscribers = 0;
  for (const r of run.records) {
    if (r.kind !== 'subscriber') continue;
    subscribers++;
    profiles[r.profile] = (profiles[r.profile] ?? 0) + 1;
  }
  return {
    name: plan.name,
    description: s.description,
    expected: plan.expected,
    durationMs: Math.round(run.durationMs),
    profile: plan.profile,
    proxy: plan.proxy,
    ...(run.proxyConfig ? { proxyConfig: run.proxyConfig } : {}),
    target: describeTarget(plan.target),
    fleet: { subscribers, profiles },
    workload: { ...run.stats, ratePerSec: plan.workload.ratePerSec },
    faults: faultWindows(run.records),
    series: buildSeries(run.records, plan.checkContext),
    metrics: run.metrics,
    ...(run.logs ? { logs: run.logs } : {}),
    ...(plan.notes.length ? { notes: plan.notes } : {}),
    ...(plan.transport.tls || plan.transport.http2 ? { transport: { ...plan.transport } } : {}),
    ...(run.browsers ? { browsers: run.browsers } : {}),
    ...(run.harnessLag
      ? { harness: { loopDelayP99Ms: run.harnessLag.p99Ms, loopDelayMaxMs: run.harnessLag.maxMs } }
      : {}),
  };
}

/** A scenario the target cannot run: reported with what it needs, never judged. */
export function skippedResult(plan: RunPlan): ScenarioResult {
  const s = plan.scenario;
  return {
    name: plan.name,
    description: s.description,
    verdict: 'skipped',
    expected: plan.expected,
    asExpected: true,
    skipped: plan.skip ?? { needs: [], reason: 'skipped' },
    durationMs: 0,
    profile: plan.profile,
    proxy: plan.proxy,
    target: describeTarget(plan.target),
    fleet: { subscribers: 0, profiles: {} },
    workload: { published: 0, acknowledged: 0, failed: 0, ratePerSec: plan.workload.ratePerSec },
    slos: [],
    measurements: {},
    faults: [],
    series: buildSeries([], plan.checkContext),
    metrics: { before: {}, after: {} },
  };
}

/**
 * The history in time order. Recorders append in causal order per subscriber, but a real browser's
 * records reach the history up to a second late; a stable sort by time restores one timeline
 * without reordering any subscriber's own records (their times never go backwards).
 */
export function inTimeOrder(records: readonly HistoryRecord[]): readonly HistoryRecord[] {
  for (let i = 1; i < records.length; i++) {
    if (records[i]!.t < records[i - 1]!.t) {
      return records
        .map((r, k) => [r, k] as const)
        .sort((a, b) => a[0].t - b[0].t || a[1] - b[1])
        .map(([r]) => r);
    }
  }
  return records;
}

/** SLOs whose failure concerns who served whom: their diagnoses name the instances. */
const INSTANCE_SLOS = new Set([
  'no-silent-loss',
  'no-duplicates',
  'recovery-time',
  'failover-time',
  'graceful-shutdown',
  'nothing-lost-on-restart',
]);

/** The instances of a multi-instance run (undefined for a single target). */
function instancesReport(records: readonly HistoryRecord[], ctx: CheckContext): InstancesReport | undefined {
  const a = analyzeInstances(records, ctx);
  if (a.names.length === 0) return undefined;
  return {
    perInstance: a.stats,
    failovers: failoverGroups(records, ctx),
    story: instanceStory(records, ctx),
  };
}

/** A failed SLO about delivery or recovery names the instances behind it. */
function withInstances(slos: SloResult[], report: InstancesReport | undefined): SloResult[] {
  if (!report || report.story.length === 0) return slos;
  const story = report.story.join(' ');
  return slos.map((r) =>
    !r.pass && r.diagnosis !== undefined && INSTANCE_SLOS.has(r.name)
      ? { ...r, diagnosis: `${r.diagnosis} Instances: ${story}` }
      : r,
  );
}

export function judge(plan: RunPlan, raw: RunRecord): ScenarioResult {
  const run = { ...raw, records: inTimeOrder(raw.records) };
  const base = basis(plan, run);
  if (run.error !== undefined) {
    return { ...base, verdict: 'error', asExpected: false, error: run.error, slos: [], measurements: {} };
  }
  const measurements = runChecks(run.records, plan.checkContext);
  const instances = instancesReport(run.records, plan.checkContext);
  const slos = withInstances(evaluateSlos(plan.slos, measurements), instances);
  const outcome = verdictFor(slos, plan.expected);
  // Real browsers beside the model: their verdicts must agree (model-check.ts), or the model is wrong.
  const modelCheck = compareProfiles(plan.slos, run.records, plan.checkContext, run.harnessLag);
  const verdict = outcome.verdict;
  const asExpected = outcome.asExpected && (modelCheck?.disagreements ?? 0) === 0;
  const m = (k: keyof typeof measurements): number => measurements[k] ?? 0;
  return {
    ...base,
    verdict,
    asExpected,
    slos,
    measurements,
    ...(modelCheck ? { modelCheck } : {}),
    ...(instances ? { instances } : {}),
    evidence: {
      publishesAcknowledged: m('publish.acknowledged'),
      events: m('delivery.events'),
      connections: m('heartbeat.openConnections'),
      subscribers: m('evidence.subscribers'),
      windows: m('evidence.windows'),
      thinnestWindowEvents: m('evidence.thinnestWindowEvents'),
    },
  };
}
