/**
 * Benchmark 4: measurement precision. Through the real stack, a small harness fleet receives events
 * published at a steady rate while a 100 ms `latency` toxic on `edge` (downstream) is switched on and
 * off in alternating windows (so drift in machine load hits both states alike). The harness's own
 * publish -> receive latencies (from its History) must shift by 100 ms at p50, within 2 ms.
 */
import { createFleet } from '../harness/client/fleet.ts';
import { createRunClock } from '../harness/history/clock.ts';
import { History } from '../harness/history/store.ts';
import { toxiproxyApi } from '../harness/faults/toxiproxy-api.ts';
import type { BenchContext, Benchmark } from './result.ts';
import { publish, sleep, startBenchStack } from './stack.ts';
import { quantile, round } from './stats.ts';

export const INJECTED_MS = 100;
export const PRECISION_TOLERANCE_MS = 2;
const TOPIC = 'precision';

export const precisionBench: Benchmark = async (ctx: BenchContext) => {
  const subscribers = 20;
  const cycles = ctx.quick ? 2 : 4;
  const windowMs = 1_500;
  const settleMs = 400; // toxics apply from the next chunk; let in-flight chunks clear
  const topology = await startBenchStack(subscribers, 1_000);
  const clock = createRunClock();
  const history = new History();
  const fleet = createFleet({
    size: subscribers,
    url: topology.urls.stream,
    topics: [TOPIC],
    history,
    clock,
    heartbeatMs: 1_000,
    stallMultiple: 10,
    seed: 7,
  });
  const api = toxiproxyApi(topology.urls.toxiproxyApi);
  const windows: Array<{ toxic: boolean; from: number; to: number }> = [];
  let toxicOn = false;
  try {
    await fleet.start();
    const t0 = performance.now();
    while (fleet.counters.connected < subscribers) {
      if (performance.now() - t0 > 20_000)
        throw new Error(`precision: only ${fleet.counters.connected}/${subscribers} connected`);
      await sleep(20);
    }
    let seq = 0;
    const publishFor = async (ms: number): Promise<void> => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        await publish(topology.urls.publish, TOPIC, ++seq, clock.now());
        await sleep(50);
      }
    };
    for (let c = 0; c < cycles; c++) {
      for (const on of [false, true]) {
        if (on !== toxicOn) {
          if (on) {
            await api.addToxic('edge', {
              name: 'bench-latency',
              type: 'latency',
              stream: 'downstream',
              toxicity: 1,
              attributes: { latency: INJECTED_MS, jitter: 0 },
            });
          } else {
            await api.removeToxic('edge', 'bench-latency');
          }
          toxicOn = on;
          await publishFor(settleMs); // traffic that straddles the switch is not counted
        }
        const from = clock.now();
        await publishFor(windowMs);
        await sleep(INJECTED_MS + 200); // the window's last events still arrive inside it
        windows.push({ toxic: on, from, to: clock.now() });
      }
    }
  } finally {
    if (toxicOn) await api.removeToxic('edge', 'bench-latency').catch(() => undefined);
    await fleet.stop();
    await topology.stop();
  }
  const off: number[] = [];
  const on: number[] = [];
  for (const e of history.ofKind('event')) {
    if (e.publishedAt === undefined) continue;
    const w = windows.find((w) => e.publishedAt! >= w.from && e.publishedAt! < w.to);
    if (!w) continue;
    (w.toxic ? on : off).push(e.t - e.publishedAt);
  }
  if (off.length === 0 || on.length === 0)
    throw new Error(`precision: no samples (off ${off.length}, on ${on.length})`);
  const p50Off = quantile(off, 0.5);
  const p50On = quantile(on, 0.5);
  const shift = p50On - p50Off;
  const error = shift - INJECTED_MS;
  const met = Math.abs(error) <= PRECISION_TOLERANCE_MS;
  ctx.log(`precision: p50 ${p50Off.toFixed(2)} -> ${p50On.toFixed(2)} ms, shift ${shift.toFixed(2)} ms`);
  return {
    rows: [
      {
        benchmark: 'precision',
        metric: `p50 shift for ${INJECTED_MS} ms edge latency`,
        ours: round(shift, 2),
        baseline: INJECTED_MS,
        ratio: round(shift / INJECTED_MS, 3),
        goal: `|shift - ${INJECTED_MS}| <= ${PRECISION_TOLERANCE_MS} ms`,
        met,
        unit: 'ms',
      },
    ],
    details: {
      subscribers,
      cycles,
      windowMs,
      samples: { off: off.length, on: on.length },
      p50: { off: round(p50Off, 3), on: round(p50On, 3) },
      p99: { off: round(quantile(off, 0.99), 3), on: round(quantile(on, 0.99), 3) },
      errorMs: round(error, 3),
    },
    notes: met
      ? []
      : [
          `precision: p50 shift ${shift.toFixed(2)} ms (error ${error.toFixed(2)} ms > ${PRECISION_TOLERANCE_MS} ms)`,
        ],
  };
};
