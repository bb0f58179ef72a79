/**
 * Benchmark 6: subscribers through the full stack. Runs the `scale` scenario as a user runs it
 * (`sse-chaos --scenario scale`, in a child process, local runtime): 10,000 subscribers through edge
 * toxiproxy -> nginx -> origin toxiproxy -> the reference server, the stack laid out per process
 * under this machine's open-file limit. Reports how many streams were open at once, the verdict,
 * live latency, how the stack was split, and how well the fleet processes' clocks agreed.
 * `--quick` runs a 2,000-subscriber copy of it (through a config file) for a smoke run.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Results } from '../harness/results/results.ts';
import type { BenchContext, BenchRow, Benchmark } from './result.ts';
import { round } from './stats.ts';

export const STACK_GOAL = 10_000;
const cli = fileURLToPath(new URL('../harness/cli.ts', import.meta.url));
const index = fileURLToPath(new URL('../harness/index.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

/** A smaller copy of `scale` for --quick (its shape, 2,000 subscribers, shorter). */
function quickConfig(): string {
  return [
    `import { defineConfig, defineScenario } from ${JSON.stringify(index)};`,
    'export default defineConfig({ scenarios: [defineScenario({',
    "  name: 'scale-quick',",
    "  description: 'The scale scenario with 2,000 subscribers and a shorter workload: a smoke run of the split stack.',",
    '  topology: { profileParams: { workerConnections: 25_000 }, server: { heartbeatMs: 5000 } },',
    '  workload: { ratePerSec: 1, durationMs: 8000, payloadBytes: 100 },',
    '  fleet: { count: 2000, rampMs: 4000, watchdogMultiple: 4 },',
    '  settleMs: 2000,',
    '  drainMs: 15_000,',
    '})] });',
  ].join('\n');
}

/** The first number with a µs or ms unit after `within` in the fleet's clock note, in µs. */
export function clockAgreementUs(notes: readonly string[] | undefined): number | null {
  for (const n of notes ?? []) {
    const m = /clocks agreed with the runner's within ([\d.]+) (µs|ms)/.exec(n);
    if (m) return Number(m[1]) * (m[2] === 'ms' ? 1000 : 1);
  }
  return null;
}

export const stackBench: Benchmark = async (ctx: BenchContext) => {
  const out = await mkdtemp(join(tmpdir(), 'sse-chaos-bench-stack-'));
  const goal = ctx.quick ? 2_000 : STACK_GOAL;
  try {
    const args = ['--import', 'tsx', cli, '--out', out, '--runtime', 'local'];
    if (ctx.quick) {
      const config = join(out, 'sse-chaos.config.ts');
      await writeFile(config, quickConfig());
      args.push('--config', config, '--scenario', 'scale-quick');
    } else args.push('--scenario', 'scale');
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer): void => void (tail = (tail + d.toString()).slice(-3000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGINT'), 10 * 60_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    const wallS = (performance.now() - t0) / 1000;
    ctx.log(`stack: exit ${code} after ${wallS.toFixed(1)} s`);
    let results: Results;
    try {
      results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as Results;
    } catch {
      throw new Error(
        `stack: the scale run (exit ${code}) wrote no results.json: ${tail.trim().slice(-1200)}`,
      );
    }
    const s = results.scenarios[0]!;
    const m = s.measurements;
    const peak = Math.max(0, ...s.series.connected);
    const neverOpened = m['delivery.subscribersNeverOpened'] ?? null;
    const passed = s.slos.filter((x) => x.pass).length;
    const clockUs = clockAgreementUs(s.notes);
    const notes: string[] = [];
    if (peak < goal)
      notes.push(
        `stack: ${peak.toLocaleString('en')} of ${goal.toLocaleString('en')} streams open at once (${s.verdict}${s.error ? `: ${s.error.split('\n')[0]}` : ''})`,
      );
    if (!s.asExpected)
      notes.push(
        `stack: the scale scenario was not as expected (${s.verdict}): ${s.slos
          .filter((x) => !x.pass)
          .map((x) => `${x.name} measured ${x.measured}${x.unit} vs ${x.comparator} ${x.threshold}${x.unit}`)
          .join('; ')}`,
      );
    const rows: BenchRow[] = [
      {
        benchmark: 'stack',
        metric: `subscribers through the full stack, open at once (${ctx.quick ? 'scale-quick' : 'scale'} scenario)`,
        ours: peak,
        baseline: null,
        ratio: round(peak / goal),
        goal: `${goal.toLocaleString('en')}`,
        met: peak >= goal && neverOpened === 0,
        unit: 'subs',
      },
      {
        benchmark: 'stack',
        metric: 'SLOs passed (scale scenario verdict)',
        ours: passed,
        baseline: s.slos.length,
        ratio: s.slos.length ? round(passed / s.slos.length) : null,
        goal: 'all (as expected)',
        met: s.asExpected,
        unit: 'SLOs',
      },
      {
        benchmark: 'stack',
        metric: 'live latency p50 / p99 outside faults, publish to receive',
        ours: m['latency.outsideFault.p50'] ?? null,
        baseline: m['latency.outsideFault.p99'] ?? null,
        ratio: null,
        goal: '(info: ours = p50, baseline = p99)',
        unit: 'ms',
      },
      {
        benchmark: 'stack',
        metric: "fleet processes' clocks vs the runner's (largest measured offset)",
        ours: clockUs,
        baseline: null,
        ratio: null,
        goal: '(info)',
        unit: 'µs',
      },
      {
        benchmark: 'stack',
        metric: 'scale scenario wall time (start to report)',
        ours: round(wallS, 1),
        baseline: null,
        ratio: null,
        goal: '(info)',
        unit: 's',
      },
    ];
    return {
      rows,
      details: {
        exitCode: code,
        verdict: s.verdict,
        subscribers: s.fleet.subscribers,
        neverOpened,
        peakConnected: peak,
        workload: s.workload,
        notes: s.notes,
        evidence: s.evidence,
        slos: s.slos.map((x) => ({
          name: x.name,
          measured: x.measured,
          threshold: x.threshold,
          pass: x.pass,
        })),
      },
      notes,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
};
