/**
 * What a shard leaves for `sse-chaos merge`: per scenario, `<scenario>.shard-<i>-of-<n>.json` (what
 * ran: the shard, the run id, the planning inputs, the workload stats, metrics, errors, notes) and
 * `<scenario>.shard-<i>-of-<n>.history.jsonl` (every record, one per line, on the shard's own clock).
 * The merge re-plans the scenario from the same inputs, so the verdict is the judge's over the plan,
 * exactly as in a single run.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { readJsonl, writeJsonl } from '../history/jsonl.ts';
import type { HistoryRecord } from '../history/records.ts';
import { targetSpecSchema } from '../topology/target.ts';
import { ScenarioConfigError } from './config-error.ts';
import type { RunRecord } from './judge.ts';
import { sloOverridesSchema } from './scenario.ts';
import { formatIssues } from './zod-errors.ts';

export const SHARD_FORMAT = 'sse-chaos-shard';

const counts = z.record(z.string(), z.number());

export const shardMetaSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  version: z.literal(1),
  tool: z.string(),
  scenario: z.string().min(1),
  shard: z.object({ index: z.number().int().nonnegative(), of: z.number().int().positive() }),
  runId: z.string().min(1),
  nonce: z.string().min(1),
  startedAt: z.string(),
  /** What the merge needs to plan the scenario exactly as the shard did. */
  plan: z.object({
    profile: z.string().optional(),
    target: targetSpecSchema,
    configSlos: sloOverridesSchema.optional(),
    cliSlos: sloOverridesSchema.optional(),
    seed: z.number().int(),
  }),
  run: z.object({
    stats: z.object({ published: z.number(), acknowledged: z.number(), failed: z.number() }),
    metrics: z.object({ before: counts, after: counts }),
    durationMs: z.number(),
    error: z.string().optional(),
    nginxConfig: z.string().optional(),
    logs: z.object({ nginxError: z.string().optional(), target: z.string().optional() }).optional(),
  }),
  notes: z.array(z.string()),
  versions: z
    .object({
      nginx: z.string(),
      toxiproxy: z.string(),
      node: z.string(),
      runtime: z.enum(['local', 'containers']),
    })
    .optional(),
  interrupted: z.boolean(),
  infrastructure: z.boolean(),
  /** The history file, next to this one. */
  history: z.string().min(1),
});

export type ShardMeta = z.output<typeof shardMetaSchema>;

export interface ShardFiles {
  meta: ShardMeta;
  /** Where the meta file is (for messages). */
  path: string;
  records: HistoryRecord[];
}

/** `<scenario>.shard-<i>-of-<n>` (the common stem of both files). */
export function shardStem(scenario: string, index: number, of: number): string {
  return `${scenario}.shard-${index}-of-${of}`;
}

/** Writes one scenario's shard files into `dir`; returns the meta file's path. */
export async function writeShardFiles(
  dir: string,
  meta: Omit<ShardMeta, 'history' | 'format' | 'version'>,
  history: Iterable<HistoryRecord>,
): Promise<string> {
  const stem = shardStem(meta.scenario, meta.shard.index, meta.shard.of);
  const historyFile = `${stem}.history.jsonl`;
  await writeJsonl(history, join(dir, historyFile));
  const path = join(dir, `${stem}.json`);
  const full: ShardMeta = { format: SHARD_FORMAT, version: 1, ...meta, history: historyFile };
  await writeFile(path, `${JSON.stringify(full, null, 2)}\n`);
  return path;
}

const META = /\.shard-\d+-of-\d+\.json$/;

/**
 * Every shard in the given folders (each may hold several scenarios' shards). Bad input throws a
 * ScenarioConfigError naming the file and the field.
 */
export async function readShardDirs(dirs: readonly string[]): Promise<ShardFiles[]> {
  const out: ShardFiles[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      throw new ScenarioConfigError(`merge: cannot read shard folder ${dir}: ${(err as Error).message}`);
    }
    const metas = names.filter((n) => META.test(n)).sort();
    if (metas.length === 0)
      throw new ScenarioConfigError(
        `merge: ${dir} holds no shard files (*.shard-<i>-of-<n>.json): was it the --out of an sse-chaos run with --shard?`,
      );
    for (const name of metas) out.push(await readShard(join(dir, name)));
  }
  return out;
}

async function readShard(path: string): Promise<ShardFiles> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ScenarioConfigError(`merge: ${path} is not readable JSON: ${(err as Error).message}`);
  }
  const parsed = shardMetaSchema.safeParse(json);
  if (!parsed.success) throw new ScenarioConfigError(formatIssues(`merge: ${path}`, parsed.error.issues));
  const meta = parsed.data;
  if (meta.shard.index >= meta.shard.of)
    throw new ScenarioConfigError(
      `merge: ${path}: shard.index ${meta.shard.index} is not below shard.of ${meta.shard.of}`,
    );
  if (basename(meta.history) !== meta.history)
    throw new ScenarioConfigError(
      `merge: ${path}: history must be a file name next to it, got ${meta.history}`,
    );
  let history;
  try {
    history = await readJsonl(join(path, '..', meta.history));
  } catch (err) {
    throw new ScenarioConfigError(`merge: ${(err as Error).message}`);
  }
  return { meta, path, records: Array.from(history) };
}

/** The merged run's record for the judge: stats added up, the shared target's metrics around all of it. */
export function mergedRunRecord(shards: readonly ShardFiles[], records: readonly HistoryRecord[]): RunRecord {
  const first = shards.reduce((a, b) =>
    Date.parse(a.meta.startedAt) <= Date.parse(b.meta.startedAt) ? a : b,
  );
  const last = shards.reduce((a, b) =>
    Date.parse(a.meta.startedAt) + a.meta.run.durationMs >=
    Date.parse(b.meta.startedAt) + b.meta.run.durationMs
      ? a
      : b,
  );
  const errors = shards.flatMap((s) =>
    s.meta.run.error !== undefined ? [`shard ${s.meta.shard.index}: ${s.meta.run.error}`] : [],
  );
  const sum = (k: 'published' | 'acknowledged' | 'failed') =>
    shards.reduce((n, s) => n + s.meta.run.stats[k], 0);
  const end = Math.max(...shards.map((s) => Date.parse(s.meta.startedAt) + s.meta.run.durationMs));
  const logs = shards[0]!.meta.run.logs;
  return {
    records,
    stats: { published: sum('published'), acknowledged: sum('acknowledged'), failed: sum('failed') },
    metrics: { before: first.meta.run.metrics.before, after: last.meta.run.metrics.after },
    durationMs: end - Date.parse(first.meta.startedAt),
    ...(errors.length ? { error: errors.join('\n') } : {}),
    ...(shards[0]!.meta.run.nginxConfig ? { nginxConfig: shards[0]!.meta.run.nginxConfig } : {}),
    ...(logs ? { logs } : {}),
  };
}
