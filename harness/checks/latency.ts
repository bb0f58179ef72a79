/**
 * Latency: publish -> receive (event t - publishedAt) over every subscriber's first delivery of each
 * event, in three classes:
 * - in fault: the event's [publishedAt, arrival] touched a disruption of its subscriber (a fault
 *   window up to that subscriber's own recovery, or the target being down);
 * - replayed: outside disruptions but published before the delivering stream opened (a replay after
 *   a reconnect: its latency is the reconnect delay, judged by the reconnect check);
 * - outside fault: the rest, live deliveries on a healthy path, before every fault and after each
 *   recovery. This is what the steady-state latency SLO judges.
 * Inside a latency fault, live events are judged against what was injected: the excess over the
 * injected latency + jitter is what the path itself added.
 */
import { asArray, type Check } from './check.ts';
import { analyzeDeliveries, IN_FAULT, LIVE, REPLAYED } from './deliveries.ts';
import { FloatBuffer, maxOf, percentiles, round3 } from './stats.ts';

export const latency: Check = {
  name: 'latency',
  description:
    'publish-to-receive latency: overall, in faults (vs injected), replayed, and live outside faults',
  run(history, ctx) {
    const a = analyzeDeliveries(asArray(history), ctx);
    const all = a.firstLatencyMs.view();
    const byClass = {
      [LIVE]: new FloatBuffer(),
      [IN_FAULT]: new FloatBuffer(),
      [REPLAYED]: new FloatBuffer(),
    };
    for (let i = 0; i < all.length; i++) byClass[a.firstClass[i] as 0 | 1 | 2].push(all[i]!);
    const inside = byClass[IN_FAULT].view();
    const replayed = byClass[REPLAYED].view();
    const outside = byClass[LIVE].view();
    const excess = a.inFaultExcessMs.view();
    const [p50, p95, p99] = percentiles(all, [50, 95, 99]).map(round3);
    const [in50, in99] = percentiles(inside, [50, 99]).map(round3);
    const [re50, re99] = percentiles(replayed, [50, 99]).map(round3);
    const [out50, out95, out99] = percentiles(outside, [50, 95, 99]).map(round3);
    const [ex99] = percentiles(excess, [99]).map(round3);
    return {
      'latency.count': all.length,
      'latency.p50': p50 ?? null,
      'latency.p95': p95 ?? null,
      'latency.p99': p99 ?? null,
      'latency.max': round3(maxOf(all)),
      'latency.inFault.count': inside.length,
      'latency.inFault.p50': in50 ?? null,
      'latency.inFault.p99': in99 ?? null,
      'latency.inFault.judged': a.injectedMs === null ? null : excess.length,
      'latency.inFault.injectedMs': a.injectedMs,
      'latency.inFault.excessP99': a.injectedMs === null ? null : (ex99 ?? null),
      'latency.replayed.count': replayed.length,
      'latency.replayed.p50': re50 ?? null,
      'latency.replayed.p99': re99 ?? null,
      'latency.outsideFault.count': outside.length,
      'latency.outsideFault.p50': out50 ?? null,
      'latency.outsideFault.p95': out95 ?? null,
      'latency.outsideFault.p99': out99 ?? null,
      'latency.outsideFault.max': round3(maxOf(outside)),
    };
  },
};
