/**
 * A zoo run: the user and cluster suites against the reference server, and against every member of
 * the defect zoo the suites its catches name (most members: the user suite only, which keeps the
 * zoo's time bounded; the Redis members: the cluster suite), each on fresh stacks, then the zoo's
 * verdict (verdict.ts). Every run's own results and report are written under the output folder
 * (`reference/`, `<member>/`), next to `zoo.json` and `zoo.md`, so a reviewer can open what each
 * defect looks like.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clusterSuite, userSuite } from '../../scenarios/index.ts';
import type { Scenario } from '../run/scenario.ts';
import type { Results } from '../results/results.ts';
import type { ProgressEvent } from '../run/progress.ts';
import { runSuite } from '../run/suite.ts';
import type { TargetSpec } from '../topology/target.ts';
import { ZOO_EXPECTATIONS, type ZooCatch } from './expectations.ts';
import { judgeZoo, zooMarkdown, type ZooVerdict } from './verdict.ts';

export interface ZooRunOptions {
  out: string;
  /** Only these members (default: all). */
  members?: readonly string[];
  seed?: number;
  signal?: AbortSignal;
  onProgress?(label: string, ev: ProgressEvent): void;
  /** Writes a run's reports (the CLI passes reports/write.ts; tests may pass nothing). */
  writeReports?(results: Results, dir: string): Promise<unknown>;
}

/** The suites the zoo draws from, in the order they run. */
const ZOO_SUITES: readonly (readonly Scenario[])[] = [userSuite, clusterSuite];

/** What a member runs: every zoo suite that holds a scenario its catches name (pure). */
export function suiteFor(catches: readonly ZooCatch[]): Scenario[] {
  return ZOO_SUITES.filter((suite) => catches.some((c) => suite.some((s) => s.name === c.scenario))).flat();
}

export interface ZooRunOutcome {
  verdict: ZooVerdict;
  interrupted: boolean;
  infrastructureError: boolean;
}

export async function runZoo(o: ZooRunOptions): Promise<ZooRunOutcome> {
  const members = o.members ?? Object.keys(ZOO_EXPECTATIONS);
  for (const m of members) {
    if (!ZOO_EXPECTATIONS[m]) {
      throw new Error(`unknown zoo member "${m}"; known: ${Object.keys(ZOO_EXPECTATIONS).join(', ')}`);
    }
  }
  let interrupted = false;
  let infrastructureError = false;
  const runOne = async (
    label: string,
    target: TargetSpec,
    scenarios: readonly Scenario[],
  ): Promise<Results> => {
    const outcome = await runSuite(scenarios, {
      target,
      seed: o.seed ?? 1,
      ...(o.signal ? { signal: o.signal } : {}),
      onProgress: (ev) => o.onProgress?.(label, ev),
    });
    interrupted ||= outcome.interrupted;
    infrastructureError ||= outcome.infrastructureError;
    const dir = join(o.out, label);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'results.json'), `${JSON.stringify(outcome.results, null, 2)}\n`);
    await o.writeReports?.(outcome.results, dir);
    return outcome.results;
  };

  const reference = await runOne('reference', { kind: 'reference', options: {} }, ZOO_SUITES.flat());
  const runs: { member: string; results: Results }[] = [];
  for (const member of members) {
    if (o.signal?.aborted) break;
    const scenarios = suiteFor(ZOO_EXPECTATIONS[member]!);
    runs.push({
      member,
      results: await runOne(member, { kind: 'zoo', defect: member, options: {} }, scenarios),
    });
  }
  const verdict = judgeZoo(reference, runs, ZOO_EXPECTATIONS);
  await writeFile(join(o.out, 'zoo.json'), `${JSON.stringify(verdict, null, 2)}\n`);
  await writeFile(
    join(o.out, 'zoo.md'),
    zooMarkdown(
      verdict,
      ZOO_SUITES.flat().map((s) => s.name),
    ),
  );
  return { verdict, interrupted, infrastructureError };
}
