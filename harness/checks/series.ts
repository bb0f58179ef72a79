/**
 * Time series for the report's charts, bucketed on the run clock (`ctx.bucketMs`, 250 ms by default).
 * Bucket i covers [start + i*bucketMs, start + (i+1)*bucketMs); `t` holds bucket starts relative
 * to the run start. heartbeatGaps has one point per open connection: its longest silence, placed
 * at the silence's start.
 */
import type { HistoryRecord } from '../history/records.ts';
import type { TimeSeries } from '../results/results.ts';
import { asArray, type Records } from './check.ts';
import type { CheckContext } from './context.ts';
import { connectionModel } from './connections.ts';
import { analyzeDeliveries } from './deliveries.ts';
import { runBounds } from './bounds.ts';
import { percentileSorted, round3 } from './stats.ts';

export function buildSeries(history: Records, ctx: CheckContext): TimeSeries {
  const records = asArray(history);
  const { startT, endT } = runBounds(records);
  const size = ctx.bucketMs;
  const n = Math.max(1, Math.ceil((endT - startT) / size));
  const bucketOf = (t: number): number => Math.min(n - 1, Math.max(0, Math.floor((t - startT) / size)));

  const connects = new Array<number>(n).fill(0);
  const published = new Array<number>(n).fill(0);
  const delivered = new Array<number>(n).fill(0);
  for (const r of records) {
    if (r.kind === 'connect') connects[bucketOf(r.t)]!++;
    else if (r.kind === 'publish') published[bucketOf(r.t)]!++;
    else if (r.kind === 'event') delivered[bucketOf(r.t)]!++;
  }

  // Latency percentiles per bucket: a counting sort of first deliveries by arrival bucket.
  const a = analyzeDeliveries(records, ctx);
  const arrivals = a.firstArrivalT.view();
  const latencies = a.firstLatencyMs.view();
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < arrivals.length; i++) offsets[bucketOf(arrivals[i]!) + 1]!++;
  for (let b = 0; b < n; b++) offsets[b + 1]! += offsets[b]!;
  const fill = offsets.slice(0, n);
  const grouped = new Float64Array(arrivals.length);
  for (let i = 0; i < arrivals.length; i++) grouped[fill[bucketOf(arrivals[i]!)]!++] = latencies[i]!;
  const latencyP50: (number | null)[] = [];
  const latencyP95: (number | null)[] = [];
  const latencyP99: (number | null)[] = [];
  const latencyMax: (number | null)[] = [];
  for (let b = 0; b < n; b++) {
    const slice = grouped.subarray(offsets[b]!, offsets[b + 1]!).sort();
    latencyP50.push(round3(percentileSorted(slice, 50)));
    latencyP95.push(round3(percentileSorted(slice, 95)));
    latencyP99.push(round3(percentileSorted(slice, 99)));
    latencyMax.push(slice.length > 0 ? round3(slice[slice.length - 1]!) : null);
  }

  // Connected at each bucket end: +1 when a stream opens, -1 when it closes.
  const { connections } = connectionModel(records, ctx);
  const deltas: [number, number][] = [];
  const heartbeatGaps: TimeSeries['heartbeatGaps'] = [];
  for (const c of connections) {
    if (!c.open || c.responseT === undefined) continue;
    deltas.push([c.responseT, 1]);
    if (c.closeT !== undefined) deltas.push([c.closeT, -1]);
    if (c.maxSilenceMs > 0) {
      heartbeatGaps.push({
        t: round3(c.maxSilenceStartT - startT)!,
        gapMs: round3(c.maxSilenceMs)!,
        sub: c.sub,
      });
    }
  }
  const connected = openAtBucketEnds(deltas, n, startT, size);

  const perSec = 1000 / size;
  const byProfile = profileSeries(records, ctx, n, bucketOf, startT, size, perSec);
  return {
    bucketMs: size,
    t: Array.from({ length: n }, (_, b) => b * size),
    latencyP50,
    latencyP95,
    latencyP99,
    latencyMax,
    connected,
    reconnectsPerSec: connects.map((c) => round3(c * perSec)!),
    published,
    delivered,
    heartbeatGaps,
    ...(byProfile ? { byProfile } : {}),
  };
}

/**
 * Connected and reconnect series per client profile, when real browsers share the fleet with
 * modelled clients: their timelines beside the models'. Undefined otherwise (a purely modelled
 * fleet's report stays as it was).
 */
function profileSeries(
  records: readonly HistoryRecord[],
  ctx: CheckContext,
  n: number,
  bucketOf: (t: number) => number,
  startT: number,
  size: number,
  perSec: number,
): TimeSeries['byProfile'] {
  const { connections, subscribers } = connectionModel(records, ctx);
  const profileOf = new Map<number, string>();
  for (const s of subscribers.values()) if (s.profile) profileOf.set(s.sub, s.profile);
  const profiles = [...new Set(profileOf.values())].sort();
  if (profiles.length < 2 || !profiles.includes('chromium')) return undefined;
  const out: NonNullable<TimeSeries['byProfile']> = {};
  for (const p of profiles) {
    const connects = new Array<number>(n).fill(0);
    const deltas: [number, number][] = [];
    for (const c of connections) {
      if (profileOf.get(c.sub) !== p) continue;
      connects[bucketOf(c.connectT)]!++;
      if (!c.open || c.responseT === undefined) continue;
      deltas.push([c.responseT, 1]);
      if (c.closeT !== undefined) deltas.push([c.closeT, -1]);
    }
    out[p] = {
      connected: openAtBucketEnds(deltas, n, startT, size),
      reconnectsPerSec: connects.map((c) => round3(c * perSec)!),
    };
  }
  return out;
}

/** Streams open at each bucket's end, from +1 (opened) / -1 (closed) steps; sorts `deltas`. */
function openAtBucketEnds(deltas: [number, number][], n: number, startT: number, size: number): number[] {
  deltas.sort((x, y) => x[0] - y[0]);
  const connected: number[] = [];
  let open = 0;
  let k = 0;
  for (let b = 0; b < n; b++) {
    const end = startT + (b + 1) * size;
    while (k < deltas.length && deltas[k]![0] < end) open += deltas[k++]![1];
    connected.push(open);
  }
  return connected;
}
