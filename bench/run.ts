/**
 * `npm run bench`: runs the seven benchmarks, prints one table (ours, baseline, ratio, goal, met?) and
 * the machine, and writes bench/results/<date>.json and bench/results/latest.md.
 *
 *   tsx bench/run.ts [--only NAME]... [--quick] [--no-write]
 *
 * Goals are goals, not assertions: a missed goal prints "GOAL NOT MET" and what limits it, and the
 * exit code stays 0. Only a crashed benchmark (or bad flags) exits non-zero.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { fanoutBench } from './fanout-bench.ts';
import { fleetBench } from './fleet-bench.ts';
import { holdBench } from './hold-bench.ts';
import { describeMachine, machineInfo } from './machine.ts';
import { parserBench } from './parser-bench.ts';
import { precisionBench } from './precision-bench.ts';
import type { BenchResult, Benchmark } from './result.ts';
import { stackBench } from './stack-bench.ts';
import { suiteBench } from './suite-bench.ts';
import { markdownTable, textTable } from './table.ts';

const BENCHMARKS: Record<string, Benchmark> = {
  parser: parserBench,
  fleet: fleetBench,
  hold: holdBench,
  fanout: fanoutBench,
  precision: precisionBench,
  stack: stackBench,
  suite: suiteBench,
};

interface Flags {
  only: string[];
  quick?: boolean;
  write: boolean;
}

const program = new Command()
  .name('bench')
  .description('sse-chaos benchmarks: ratios against baselines measured in the same run')
  .option(
    '--only <name>',
    `run only this benchmark (repeatable): ${Object.keys(BENCHMARKS).join(', ')}`,
    (v: string, prev: string[]) => {
      if (!(v in BENCHMARKS))
        throw new InvalidArgumentError(
          `unknown benchmark "${v}"; known: ${Object.keys(BENCHMARKS).join(', ')}`,
        );
      return [...prev, v];
    },
    [] as string[],
  )
  .option('--quick', 'smaller and shorter (about a minute): a smoke run, not the figures to commit')
  .option('--no-write', 'do not write bench/results/')
  .parse();

const flags = program.opts<Flags>();
const names = flags.only.length > 0 ? flags.only : Object.keys(BENCHMARKS);
const quick = flags.quick === true;
const machine = machineInfo();
const log = (msg: string): void => void process.stderr.write(`  ${msg}\n`);
console.log(`sse-chaos benchmarks${quick ? ' (--quick)' : ''}: ${names.join(', ')}`);
console.log(`machine: ${describeMachine(machine)}`);

const results: BenchResult[] = [];
const startedAt = new Date();
for (const name of names) {
  const t0 = performance.now();
  process.stderr.write(`[${name}] running...\n`);
  try {
    const r = await BENCHMARKS[name]!({ quick, log });
    results.push({ name, ...r, durationMs: Math.round(performance.now() - t0) });
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`[${name}] CRASHED: ${error}\n`);
    results.push({
      name,
      rows: [],
      details: {},
      notes: [],
      durationMs: Math.round(performance.now() - t0),
      error,
    });
  }
  process.stderr.write(`[${name}] done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

const table = textTable(results);
const notes = results.flatMap((r) => r.notes);
const missed = results.flatMap((r) => r.rows).filter((r) => r.met === false);
console.log(`\n${table}\n`);
if (missed.length > 0) {
  console.log(`goal not met (${missed.length}):`);
  for (const n of notes) console.log(`  - ${n}`);
} else if (notes.length > 0) {
  for (const n of notes) console.log(`  - ${n}`);
}
const totalS = results.reduce((s, r) => s + r.durationMs, 0) / 1000;
console.log(`\ntotal ${totalS.toFixed(1)} s`);

if (flags.write) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/:/g, '-').replace(/\..*/, '');
  const file = `${stamp}${quick ? '-quick' : ''}.json`;
  const record = { startedAt: startedAt.toISOString(), quick, benchmarks: names, machine, results };
  await writeFile(`${dir}${file}`, `${JSON.stringify(record, null, 2)}\n`);
  const md = [
    `# Benchmark results${quick ? ' (--quick)' : ''}`,
    '',
    `Run ${startedAt.toISOString()} with \`npm run bench${quick ? ' -- --quick' : ''}\`${flags.only.length ? ` (only ${names.join(', ')})` : ''}; full figures in [${file}](${file}).`,
    '',
    `Machine: ${describeMachine(machine)}.`,
    '',
    markdownTable(results),
    '',
    ...(notes.length
      ? ['Goals not met and limits:', '', ...notes.map((n) => `- ${n}`), '']
      : ['Every goal met.', '']),
  ].join('\n');
  await writeFile(`${dir}latest.md`, md);
  console.log(`wrote bench/results/${file} and bench/results/latest.md`);
}
process.exitCode = results.some((r) => r.error) ? 1 : 0;
