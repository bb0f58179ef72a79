/**
 * Benchmark 3: reference server fan-out against the Node ceiling (bench/ceiling-server.ts), both
 * driven by the same lean client (bench/lean-client.ts) in its own process, at 1,000 and 10,000
 * subscribers, directly (no proxies: this measures the server). Reports delivered events/s and
 * publish -> receive p50/p99.
 */
import { fileURLToPath } from 'node:url';
import { referenceServerArgs, runJsonChild, startServerChild } from './child-process.ts';
import type { LeanClientConfig, LeanClientResult } from './lean-client.ts';
import type { BenchContext, BenchRow, Benchmark } from './result.ts';
import { round } from './stats.ts';

export const FANOUT_GOAL = 0.8;
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

type ServerKind = 'reference' | 'ceiling';

function serverArgs(kind: ServerKind): string[] {
  return kind === 'reference'
    ? referenceServerArgs(15_000)
    : ['--import', 'tsx', here('./ceiling-server.ts')];
}

async function measure(kind: ServerKind, count: number, durationMs: number): Promise<LeanClientResult> {
  const server = await startServerChild(`${kind} server`, serverArgs(kind));
  try {
    const config: LeanClientConfig = {
      base: server.url,
      count,
      durationMs,
      connectTimeoutMs: 30_000,
      concurrency: 4,
      payloadBytes: 100,
    };
    return await runJsonChild<LeanClientResult>(
      'lean client',
      ['--import', 'tsx', here('./lean-client.ts')],
      { ...process.env, LEAN_CLIENT_CONFIG: JSON.stringify(config) },
      durationMs + 90_000,
    );
  } finally {
    await server.stop();
  }
}

/** Mean throughput and the worse tail of repeated runs (connected: the fewest held). */
function combine(rs: LeanClientResult[]): LeanClientResult {
  const mean = (f: (r: LeanClientResult) => number): number => rs.reduce((a, r) => a + f(r), 0) / rs.length;
  return {
    connected: Math.min(...rs.map((r) => r.connected)),
    connectMs: mean((r) => r.connectMs),
    published: mean((r) => r.published),
    delivered: mean((r) => r.delivered),
    windowMs: mean((r) => r.windowMs),
    eventsPerSec: mean((r) => r.eventsPerSec),
    latencyMs: {
      p50: mean((r) => r.latencyMs.p50),
      p99: Math.max(...rs.map((r) => r.latencyMs.p99)),
      max: Math.max(...rs.map((r) => r.latencyMs.max)),
      samples: rs.reduce((a, r) => a + r.latencyMs.samples, 0),
    },
  };
}

export const fanoutBench: Benchmark = async (ctx: BenchContext) => {
  const counts = ctx.quick ? [1_000] : [1_000, 10_000];
  const durationMs = ctx.quick ? 3_000 : 4_000;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const runs: Record<string, unknown>[] = [];
  for (const count of counts) {
    // ABBA order (ceiling, reference, reference, ceiling; --quick: AB), each on a fresh server
    // process: a load drift on this shared machine then hits both sides alike.
    // 1,000 is quick to measure and noisier: ABBA twice there.
    const abba: ServerKind[] = ['ceiling', 'reference', 'reference', 'ceiling'];
    const order: ServerKind[] = ctx.quick
      ? ['ceiling', 'reference']
      : count <= 1_000
        ? [...abba, ...abba]
        : abba;
    const got: Record<ServerKind, LeanClientResult[]> = { ceiling: [], reference: [] };
    for (const kind of order) {
      const r = await measure(kind, count, durationMs);
      ctx.log(
        `fanout ${count}: ${kind} ${r.eventsPerSec.toFixed(0)} ev/s, p99 ${r.latencyMs.p99.toFixed(1)} ms (${r.connected} streams)`,
      );
      got[kind].push(r);
    }
    const ceiling = combine(got.ceiling);
    const ref = combine(got.reference);
    runs.push({ count, durationMs, ceiling: got.ceiling, reference: got.reference });
    const ratio = ref.eventsPerSec / ceiling.eventsPerSec;
    const label = count.toLocaleString('en');
    rows.push(
      {
        benchmark: 'fanout',
        metric: `${label} subscribers: delivered events/s`,
        ours: round(ref.eventsPerSec, 0),
        baseline: round(ceiling.eventsPerSec, 0),
        ratio: round(ratio),
        goal: `>= ${FANOUT_GOAL}x`,
        met: ratio >= FANOUT_GOAL,
        unit: 'events/s',
      },
      {
        benchmark: 'fanout',
        metric: `${label} subscribers: p99 publish->receive`,
        ours: round(ref.latencyMs.p99, 1),
        baseline: round(ceiling.latencyMs.p99, 1),
        ratio: round(ref.latencyMs.p99 / ceiling.latencyMs.p99),
        goal: '(info)',
        unit: 'ms',
      },
    );
    if (ratio < FANOUT_GOAL) notes.push(`fanout ${label}: ${ratio.toFixed(2)}x of the node:http ceiling`);
    for (const [name, r] of [
      ['ceiling', ceiling],
      ['reference', ref],
    ] as const) {
      if (r.connected < count)
        notes.push(`fanout ${label}: ${name} held only ${r.connected}/${count} streams`);
    }
  }
  return {
    rows,
    details: {
      method:
        'lean client (undici dispatch + our parser) in a child process, 4 closed-loop publishers in the same process, 100 B payloads, ' +
        'no proxies; ABBA order, throughput = mean of the runs, p99 = the worse run',
      runs,
    },
    notes,
  };
};
