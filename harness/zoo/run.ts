/**
 * A zoo run: the user suite against the reference server and against every member of the defect
 * zoo, each on fresh stacks, then the zoo's verdict (verdict.ts). Every run's own results and
 * report are written under the output folder (`reference/`, `<member>/`), next to `zoo.json` and
 * `zoo.md`, so a reviewer can open what each defect looks like.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { userSuite } from '../../scenarios/index.ts';
import type { Results } from '../results/results.ts';
import type { ProgressEvent } from '../run/progress.ts';
import { runSuite } from '../run/suite.ts';
import type { TargetSpec } from '../topology/target.ts';
import { ZOO_EXPECTATIONS } from './expectations.ts';
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
  const runOne = async (label: string, target: TargetSpec): Promise<Results> => {
    const outcome = await runSuite(userSuite, {
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

  const reference = await runOne('reference', { kind: 'reference', options: {} });
  const runs: { member: string; results: Results }[] = [];
  for (const member of members) {
    if (o.signal?.aborted) break;
    runs.push({ member, results: await runOne(member, { kind: 'zoo', defect: member, options: {} }) });
  }
  const verdict = judgeZoo(reference, runs, ZOO_EXPECTATIONS);
  await writeFile(join(o.out, 'zoo.json'), `${JSON.stringify(verdict, null, 2)}\n`);
  await writeFile(
    join(o.out, 'zoo.md'),
    zooMarkdown(
      verdict,
      userSuite.map((s) => s.name),
    ),
  );
  return { verdict, interrupted, infrastructureError };
}
