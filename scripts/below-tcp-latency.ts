/**
 * Tail latency under faults below TCP: runs the network suite's workload with the target in its own
 * network namespace, once with no fault (the baseline) and once per packet-loss and rate setting
 * (the fault on for the same 4 s stretch of each run), and prints publish-to-receive latency of the
 * events published inside that stretch next to the same stretch of the baseline run. Needs root.
 *
 *   npx tsx scripts/below-tcp-latency.ts [--loss 1,2,5,10,20] [--rate 4000,2000,1000] [--runs 1]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runScenario } from '../harness/run/runner.ts';
import { parseScenario, type ScenarioInput } from '../harness/run/scenario.ts';
import { percentiles } from '../harness/checks/stats.ts';
import type { HistoryRecord } from '../harness/history/records.ts';

const { values } = parseArgs({
  options: {
    loss: { type: 'string', default: '1,2,5,10,20' },
    rate: { type: 'string', default: '4000,2000,1000' },
    runs: { type: 'string', default: '1' },
  },
});
const list = (s: string): number[] => s.split(',').filter(Boolean).map(Number);
const WINDOW = { at: 2000, duration: 4000 };

function variant(name: string, fault?: ScenarioInput['faults']): ScenarioInput {
  return {
    name,
    description: 'below-TCP latency measurement (scripts/below-tcp-latency.ts)',
    workload: { ratePerSec: 40, durationMs: 8000 },
    topology: { netns: true },
    faults: fault ?? [],
  };
}

/** Latencies (ms) of first arrivals published inside the window, from the run's history. */
function windowLatencies(records: readonly HistoryRecord[]): {
  inside: number[];
  outside: number[];
  dropped: number;
} {
  let origin: number | undefined;
  let dropped = 0;
  const seen = new Set<string>();
  const inside: number[] = [];
  const outside: number[] = [];
  for (const r of records) {
    if (r.kind === 'link') dropped += r.lossDropped + r.qdiscDropped;
    if (r.kind === 'phase' && r.phase === 'workload-start') origin ??= r.t;
    if (r.kind !== 'event' || r.publishedAt === undefined || r.seq === undefined || origin === undefined)
      continue;
    const key = `${r.sub}:${r.topic}:${r.seq}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const at = r.publishedAt - origin;
    (at >= WINDOW.at && at <= WINDOW.at + WINDOW.duration ? inside : outside).push(r.t - r.publishedAt);
  }
  return { inside, outside, dropped };
}

async function measure(label: string, input: ScenarioInput): Promise<void> {
  const all: number[] = [];
  const rest: number[] = [];
  let verdicts = '';
  let dropped = 0;
  for (let i = 0; i < Number(values.runs); i++) {
    // The runner writes the raw history where SSE_CHAOS_HISTORY_DIR says (its debugging aid).
    const dir = await mkdtemp(join(tmpdir(), 'sse-chaos-below-tcp-'));
    process.env.SSE_CHAOS_HISTORY_DIR = dir;
    process.env.SSE_CHAOS_RUNTIME ??= 'local';
    const outcome = await runScenario(parseScenario(input, 'scripts/below-tcp-latency.ts'));
    const records = (await readFile(join(dir, `${input.name}.history.jsonl`), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HistoryRecord);
    await rm(dir, { recursive: true, force: true });
    if (outcome.result.verdict === 'skipped') {
      console.log(`${label}: skipped, ${outcome.result.skipped?.reason}`);
      return;
    }
    verdicts += `${outcome.result.verdict} `;
    const w = windowLatencies(records);
    all.push(...w.inside);
    rest.push(...w.outside);
    dropped += w.dropped;
  }
  const [p50, p99, p999] = percentiles(all, [50, 99, 99.9]);
  const [o99] = percentiles(rest, [99]);
  const f = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${Math.round(x)}`);
  console.log(
    `| ${label} | ${all.length} | ${dropped} | ${f(p50)} | ${f(p99)} | ${f(p999)} | ${f(Math.max(...all))} | ${f(o99)} | ${verdicts.trim()} |`,
  );
}

console.log(
  '| setting (4 s window) | events | packets dropped | p50 ms | p99 ms | p99.9 ms | max ms | p99 outside window ms | verdict |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
await measure('no fault (baseline)', variant('baseline-netns'));
for (const pct of list(values.loss))
  await measure(
    `packet-loss ${pct} %`,
    variant(`loss-${String(pct).replace('.', '-')}`, [
      { ...WINDOW, action: 'packet-loss', params: { percent: pct } },
    ]),
  );
for (const kbit of list(values.rate))
  await measure(
    `rate-limit ${kbit} kbit/s`,
    variant(`rate-${kbit}`, [{ ...WINDOW, action: 'rate-limit', params: { kbit } }]),
  );
