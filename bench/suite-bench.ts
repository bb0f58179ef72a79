/**
 * Benchmark 5: wall time of the default suite (`sse-chaos` with no scenario flags), run as a user
 * runs it, in a child process, into a temporary output folder. The verdict summary is recorded so a
 * fast but broken suite is visible as such.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, Benchmark } from './result.ts';
import { round } from './stats.ts';

export const SUITE_GOAL_S = 120;
const cli = fileURLToPath(new URL('../harness/cli.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

export const suiteBench: Benchmark = async (ctx: BenchContext) => {
  if (ctx.quick) {
    return {
      rows: [
        {
          benchmark: 'suite',
          metric: 'default suite wall time',
          ours: null,
          baseline: SUITE_GOAL_S,
          ratio: null,
          goal: `<= ${SUITE_GOAL_S} s`,
          unit: 's',
        },
      ],
      details: { skipped: '--quick: the suite alone takes longer than the quick budget' },
      notes: ['suite: skipped in --quick (run `npm run bench -- --only suite`)'],
    };
  }
  if (!existsSync(cli)) throw new Error(`suite: ${cli} does not exist yet (the runner is not built)`);
  const out = await mkdtemp(join(tmpdir(), 'sse-chaos-bench-suite-'));
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--out', out], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const keep = (d: Buffer): void => void (tail = (tail + d.toString()).slice(-3000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const limitMs = 4 * SUITE_GOAL_S * 1000;
    const timer = setTimeout(() => child.kill('SIGINT'), limitMs);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    const wallS = (performance.now() - t0) / 1000;
    ctx.log(`suite: exit ${code} after ${wallS.toFixed(1)} s`);
    let summary: unknown;
    try {
      summary = (JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { summary?: unknown })
        .summary;
    } catch {
      summary = undefined;
    }
    const completed = code === 0 || code === 1; // 1: a verdict not as expected, but the suite ran through
    const notes: string[] = [];
    if (!completed)
      notes.push(
        `suite: exit code ${code} (did not complete): ${tail.trim().split('\n').slice(-3).join(' | ')}`,
      );
    if (wallS > SUITE_GOAL_S) notes.push(`suite: ${wallS.toFixed(1)} s > ${SUITE_GOAL_S} s`);
    return {
      rows: [
        {
          benchmark: 'suite',
          metric: 'default suite wall time',
          ours: round(wallS, 1),
          baseline: SUITE_GOAL_S,
          ratio: round(wallS / SUITE_GOAL_S),
          goal: `<= ${SUITE_GOAL_S} s`,
          met: completed && wallS <= SUITE_GOAL_S,
          unit: 's',
        },
      ],
      details: { exitCode: code, summary, outputTail: completed ? undefined : tail.slice(-1500) },
      notes,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
};
