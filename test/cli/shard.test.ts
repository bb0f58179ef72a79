/**
 * A run spread over machines, here as separate processes: two `sse-chaos --shard i/2` runs against
 * one shared target, then `sse-chaos merge` of their folders into one verdict and one report, with
 * the shards' clocks placed by the events they exchanged.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../harness/results/results.ts';
import { killAll, runServer, type ServerProcess } from '../server/process-helpers.ts';
import { runBin } from './run-bin.ts';

let dir: string;
let server: ServerProcess;
let targetFile: string;

const run = (args: string[]) => runBin(args, 120_000, { SSE_CHAOS_RUNTIME: 'local' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sse-chaos-shard-'));
  server = await runServer([
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--heartbeat-ms',
    '1000',
    '--retry-ms',
    '1000',
    '--retry-jitter-ms',
    '1000',
    '--log',
    'memory',
  ]);
  targetFile = join(dir, 'target.json');
  await writeFile(
    targetFile,
    JSON.stringify({
      kind: 'url',
      baseUrl: server.url,
      readyPath: '/readyz',
      streamPath: '/events',
      publish: { path: '/publish' },
      declares: { heartbeatMs: 1000, retry: { baseMs: 1000, jitterMs: 1000 } },
    }),
  );
});

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

const shardArgs = (i: number, extra: string[] = []) => [
  '--scenario',
  'baseline',
  '--target',
  targetFile,
  '--shard',
  `${i}/2`,
  '--run-id',
  'ci-42',
  '--out',
  join(dir, `s${i}`),
  ...extra,
];

describe('sse-chaos --shard and merge', () => {
  it('two shards against one target merge into one verdict over the whole fleet', async () => {
    const [a, b] = await Promise.all([run(shardArgs(0)), run(shardArgs(1))]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    expect(a.stdout).toContain('shard 0/2 of run ci-42: recorded 1 scenario(s)');
    expect((await readdir(join(dir, 's1'))).sort()).toEqual([
      'baseline.shard-1-of-2.history.jsonl',
      'baseline.shard-1-of-2.json',
    ]);
    // A shard judges nothing itself: no report of its own.
    expect(await readdir(join(dir, 's0'))).not.toContain('results.json');

    const out = join(dir, 'merged');
    const m = await run(['merge', join(dir, 's0'), join(dir, 's1'), '--out', out]);
    expect(m.code, m.stdout + m.stderr).toBe(0);
    expect(m.stdout).toContain('1/1 scenarios as expected');
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report.html', 'results.json', 'summary.md']);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as Results;
    const s = results.scenarios[0]!;
    expect(s.name).toBe('baseline');
    expect(s.verdict).toBe('pass');
    // The whole fleet (40 subscribers: 20 per shard) and the whole schedule (each shard every other slot).
    expect(s.fleet.subscribers).toBe(40);
    expect(s.workload.published).toBe(140);
    expect(s.workload.acknowledged).toBe(140);
    // Every subscriber got events from both shards' publishes: far more than its own shard published.
    expect(s.measurements['delivery.events']).toBeGreaterThan(40 * 100);
    // Latency counts only same-shard deliveries: 70 publishes x 20 subscribers per shard.
    expect(s.measurements['latency.count']).toBeLessThanOrEqual(2 * 70 * 20);
    const clockNote = s.notes!.find((n) => n.startsWith('merged 2 shards'))!;
    expect(clockNote).toMatch(/shard 1 at [+-][\d.]+ ms ± [\d.]+ ms/);
  });

  it('places shard 1 on shard 0 clock within the stated bound of their real offset', async () => {
    const firstLine = async (i: number) =>
      JSON.parse(
        (await readFile(join(dir, `s${i}`, `baseline.shard-${i}-of-2.history.jsonl`), 'utf8')).split(
          '\n',
        )[0]!,
      ) as { kind: string; t: number; wallClock: string };
    const [r0, r1] = await Promise.all([firstLine(0), firstLine(1)]);
    expect(r0.kind).toBe('run-start');
    // One machine, one wall clock: the truth to a millisecond (the ISO stamp's resolution).
    const truth = Date.parse(r1.wallClock) - r1.t - (Date.parse(r0.wallClock) - r0.t);
    const results = JSON.parse(await readFile(join(dir, 'merged', 'results.json'), 'utf8')) as Results;
    const note = results.scenarios[0]!.notes!.find((n) => n.startsWith('merged 2 shards'))!;
    const [, offset, bound] = /shard 1 at ([+-][\d.]+) ms ± ([\d.]+) ms/.exec(note)!;
    expect(Math.abs(Number(offset) - truth)).toBeLessThanOrEqual(Number(bound) + 2);
  });

  it('refuses what a sharded run cannot judge, naming the cause', async () => {
    const noRunId = await run([
      '--scenario',
      'baseline',
      '--target',
      targetFile,
      '--shard',
      '0/2',
      '--out',
      dir,
    ]);
    expect(noRunId.code).toBe(2);
    expect(noRunId.stderr).toContain('--shard needs --run-id');
    const badShard = await run(shardArgs(0).map((a) => (a === '0/2' ? '2/2' : a)));
    expect(badShard.code).toBe(2);
    expect(badShard.stderr).toContain('--shard: expected i/n with 0 <= i < n');
    const notUrl = await run(['--scenario', 'baseline', '--shard', '0/2', '--run-id', 'x', '--out', dir]);
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toContain('needs a target every shard reaches');
    const faults = await run(shardArgs(0).map((a) => (a === 'baseline' ? 'edge-latency' : a)));
    expect(faults.code).toBe(2);
    expect(faults.stderr).toContain('scenario "edge-latency" injects faults');
    const missing = await run(['merge', join(dir, 's0'), '--out', join(dir, 'm2')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('scenario baseline is missing shard(s) 1 of 2');
    const twice = await run(['merge', join(dir, 's0'), join(dir, 's0'), '--out', join(dir, 'm3')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('shard 0 of baseline is given twice');
  });
});
