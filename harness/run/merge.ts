/**
 * `sse-chaos merge DIR...`: the shards of a run spread over machines (shard-run.ts) into one verdict
 * per scenario and one Results, judged exactly as a single run: the scenario is planned again from
 * the inputs each shard recorded, the shards' histories become one (shard-merge.ts), and the judge
 * reads them (judge.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Results, ScenarioResult } from '../results/results.ts';
import { describeEnvironment } from './environment.ts';
import { ScenarioConfigError } from './config-error.ts';
import { judge } from './judge.ts';
import { planScenario } from './plan.ts';
import type { Scenario } from './scenario.ts';
import { mergedRunRecord, readShardDirs, type ShardFiles } from './shard-files.ts';
import { mergeShardHistories, ShardMergeError } from './shard-merge.ts';
import { summarize, toolVersion } from './suite.ts';
import type { SloOverrides } from '../slo/resolve.ts';

export interface MergeOptions {
  /** Scenarios by name: the built-in ones and the project config's. */
  scenarios: ReadonlyMap<string, Scenario>;
  /** SLO overrides from the merge's own command line (over what the shards were given). */
  cliSlos?: SloOverrides;
}

export interface MergeOutcome {
  results: Results;
  /** A shard failed on infrastructure or was interrupted: the merged verdict is `error`. */
  infrastructureError: boolean;
}

/** Groups shards by scenario and checks each group is one whole run; throws naming the file. */
export function groupShards(shards: readonly ShardFiles[]): ShardFiles[][] {
  const byScenario = new Map<string, ShardFiles[]>();
  for (const s of shards) {
    const list = byScenario.get(s.meta.scenario) ?? [];
    list.push(s);
    byScenario.set(s.meta.scenario, list);
  }
  const runIds = new Set(shards.map((s) => s.meta.runId));
  if (runIds.size > 1)
    throw new ScenarioConfigError(
      `merge: the shards come from different runs (run ids ${[...runIds].join(', ')}): merge one run at a time`,
    );
  const groups: ShardFiles[][] = [];
  for (const [scenario, list] of byScenario) {
    const of = list[0]!.meta.shard.of;
    const mixed = list.find((s) => s.meta.shard.of !== of);
    if (mixed)
      throw new ScenarioConfigError(
        `merge: ${mixed.path} is shard ${mixed.meta.shard.index}/${mixed.meta.shard.of} but ${list[0]!.path} is one of ${of}`,
      );
    const seen = new Map<number, ShardFiles>();
    for (const s of list) {
      const twin = seen.get(s.meta.shard.index);
      if (twin)
        throw new ScenarioConfigError(
          `merge: shard ${s.meta.shard.index} of ${scenario} is given twice: ${twin.path} and ${s.path}`,
        );
      seen.set(s.meta.shard.index, s);
      if (!isDeepStrictEqual(s.meta.plan, list[0]!.meta.plan))
        throw new ScenarioConfigError(
          `merge: ${s.path} was run with other options than ${list[0]!.path} (target, profile, SLOs or seed differ)`,
        );
    }
    const missing = Array.from({ length: of }, (_, i) => i).filter((i) => !seen.has(i));
    if (missing.length)
      throw new ScenarioConfigError(
        `merge: scenario ${scenario} is missing shard(s) ${missing.join(', ')} of ${of}: give every shard's folder`,
      );
    groups.push([...seen.values()].sort((a, b) => a.meta.shard.index - b.meta.shard.index));
  }
  return groups;
}

/** Judges one scenario's shards as one run. */
export function judgeShards(group: readonly ShardFiles[], o: MergeOptions): ScenarioResult {
  const meta = group[0]!.meta;
  const scenario = o.scenarios.get(meta.scenario);
  if (!scenario)
    throw new ScenarioConfigError(
      `merge: scenario "${meta.scenario}" (in ${group[0]!.path}) is neither built in nor in the project config: ` +
        'run merge where the shards found it (or pass --config)',
    );
  const plan = planScenario(scenario, {
    target: meta.plan.target,
    ...(meta.plan.profile !== undefined ? { profile: meta.plan.profile } : {}),
    ...(meta.plan.configSlos ? { configSlos: meta.plan.configSlos } : {}),
    cliSlos: { ...meta.plan.cliSlos, ...o.cliSlos },
  });
  let merged;
  try {
    merged = mergeShardHistories(
      group.map((s) => ({ index: s.meta.shard.index, records: s.records })),
      // A subscriber's shard stops listening after its own workload: leave a heartbeat's worth (at
      // least a second) for the last events of the others to arrive.
      { endMarginMs: Math.max(1000, plan.declarations.heartbeatMs) },
    );
  } catch (err) {
    if (err instanceof ShardMergeError)
      throw new ScenarioConfigError(`merge: ${meta.scenario}: ${err.message}`);
    throw err;
  }
  const shardNotes = [
    ...new Set(group.flatMap((s) => s.meta.notes.map((n) => `shard ${s.meta.shard.index}: ${n}`))),
  ];
  const run = mergedRunRecord(group, merged.records);
  const interrupted = group.filter((s) => s.meta.interrupted).map((s) => s.meta.shard.index);
  if (interrupted.length && run.error === undefined)
    run.error = `shard(s) ${interrupted.join(', ')} were interrupted`;
  return judge({ ...plan, notes: [...plan.notes, ...merged.notes, ...shardNotes] }, run);
}

/** Reads the shard folders and judges every scenario in them. */
export async function mergeShards(dirs: readonly string[], o: MergeOptions): Promise<MergeOutcome> {
  if (dirs.length === 0)
    throw new ScenarioConfigError('merge: give the folders the shards wrote (their --out)');
  const shards = await readShardDirs(dirs);
  const groups = groupShards(shards);
  const scenarios = groups.map((g) => judgeShards(g, o));
  const starts = shards.map((s) => Date.parse(s.meta.startedAt));
  const ends = shards.map((s) => Date.parse(s.meta.startedAt) + s.meta.run.durationMs);
  const startedAt = Math.min(...starts);
  const finishedAt = Math.max(...ends);
  const results: Results = {
    schemaVersion: 1,
    tool: { name: 'sse-chaos', version: toolVersion() },
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: finishedAt - startedAt,
    seed: shards[0]!.meta.plan.seed,
    environment: await describeEnvironment(shards[0]!.meta.versions),
    scenarios,
    summary: summarize(scenarios),
  };
  return { results, infrastructureError: shards.some((s) => s.meta.infrastructure) };
}
