/**
 * `sse-chaos --shard i/n --run-id ID`: this machine's share of a run spread over machines (a
 * Kubernetes Indexed Job, a CI matrix), against one target they all reach. Each shard runs its own
 * stack (edge toxiproxy -> nginx -> origin toxiproxy) in front of that target, its slice of the
 * fleet and every n-th publish, and writes what it recorded (shard-files.ts); `sse-chaos merge`
 * turns the shards' records into one verdict. A shard judges nothing itself: alone it sees only part
 * of the run.
 */
import { ScenarioConfigError } from './config-error.ts';
import { RUN_ID_PATTERN, type Shard } from './fleet-slices.ts';
import { planScenario, type PlanOptions, type RunPlan } from './plan.ts';
import { recordPlan, type RunScenarioOptions } from './runner.ts';
import type { Scenario } from './scenario.ts';
import { writeShardFiles } from './shard-files.ts';
import { toolVersion } from './suite.ts';

/** `i/n` (0-based) as a shard; throws naming the flag. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const of = m ? Number(m[2]) : NaN;
  if (!m || !(of >= 1) || !(index < of))
    throw new ScenarioConfigError(
      `--shard: expected i/n with 0 <= i < n (0-based, e.g. 0/4; a Kubernetes Indexed Job's JOB_COMPLETION_INDEX), got "${value}"`,
    );
  return { index, of };
}

/** Checks a run id for `--run-id`; throws naming the flag. */
export function checkRunId(runId: string | undefined): string {
  if (runId === undefined)
    throw new ScenarioConfigError(
      "--shard needs --run-id ID: one id every shard of the run is given (e.g. the CI run id, or the Job's uid), " +
        "so each shard's events count as the run's",
    );
  if (!RUN_ID_PATTERN.test(runId))
    throw new ScenarioConfigError(`--run-id: expected 1-64 of A-Z a-z 0-9 . _ -, got "${runId}"`);
  return runId;
}

/** Why a plan cannot run as a shard, or undefined. */
export function shardProblem(plan: RunPlan): string | undefined {
  if (plan.target.kind !== 'url')
    return (
      `a sharded run needs a target every shard reaches: --target FILE with "kind": "url" ` +
      `(this one is a ${plan.target.kind} target, which each shard would start for itself)`
    );
  if (plan.faults.length > 0)
    return (
      `scenario "${plan.scenario.name}" injects faults, and each shard's faults reach only its own slice of the fleet, ` +
      'which one merged verdict cannot tell apart: run fault scenarios unsharded, shards are for load'
    );
  return undefined;
}

export interface ShardRunOptions extends Omit<RunScenarioOptions, 'shard'>, PlanOptions {
  shard: Shard;
  runId: string;
  out: string;
  onWritten?(path: string): void;
}

export interface ShardRunOutcome {
  written: string[];
  interrupted: boolean;
  infrastructureError: boolean;
  /** Scenarios skipped against this target (they need what it lacks), with the reason. */
  skipped: { name: string; reason: string }[];
}

/** Plans every scenario first (a bad one fails before anything starts), then records each in turn. */
export async function runShard(scenarios: readonly Scenario[], o: ShardRunOptions): Promise<ShardRunOutcome> {
  const plans = scenarios.map((s) => planScenario(s, o));
  for (const plan of plans) {
    const problem = plan.skip ? undefined : shardProblem(plan);
    if (problem) throw new ScenarioConfigError(problem);
  }
  const written: string[] = [];
  const skipped: ShardRunOutcome['skipped'] = [];
  let infrastructureError = false;
  for (const plan of plans) {
    if (o.signal?.aborted) return { written, interrupted: true, infrastructureError, skipped };
    if (plan.skip) {
      skipped.push({ name: plan.scenario.name, reason: plan.skip.reason });
      continue;
    }
    const startedAt = new Date().toISOString();
    const r = await recordPlan(plan, { ...o, shard: { ...o.shard, runId: o.runId } });
    const path = await writeShardFiles(
      o.out,
      {
        tool: toolVersion(),
        scenario: plan.scenario.name,
        shard: o.shard,
        runId: o.runId,
        nonce: r.nonce,
        startedAt,
        plan: {
          ...(o.profile !== undefined ? { profile: o.profile } : {}),
          target: plan.target,
          ...(o.configSlos ? { configSlos: o.configSlos } : {}),
          ...(o.cliSlos ? { cliSlos: o.cliSlos } : {}),
          seed: o.seed ?? 1,
        },
        run: r.run,
        notes: r.notes,
        ...(r.versions ? { versions: r.versions } : {}),
        interrupted: r.interrupted,
        infrastructure: r.infrastructure,
      },
      r.history,
    );
    written.push(path);
    o.onWritten?.(path);
    if (r.infrastructure) infrastructureError = true;
    if (r.interrupted) return { written, interrupted: true, infrastructureError, skipped };
  }
  return { written, interrupted: false, infrastructureError, skipped };
}
