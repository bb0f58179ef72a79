/**
 * Downsampling for charts. A run with 10,000 subscribers and long series produces far more points
 * than a chart has pixels; drawing them all makes the report sluggish. These reduce what is drawn,
 * never what was measured (results.json keeps everything), and keep what a reviewer looks for:
 * spikes (min/max per bucket) and the worst heartbeat gaps.
 */

export interface SeriesSample {
  /** Ascending x values. */
  x: number[];
  /** One array per series, parallel to x; null where there was no sample. */
  ys: (number | null)[][];
}

/**
 * Min/max-per-bucket downsampling of several series sharing one x axis (the M4 idea without the
 * first/last points): each bucket of consecutive samples becomes two points, at the bucket's first
 * and last x, and each series puts its min and max there in the order they occurred. At chart
 * resolution the envelope looks identical to the raw data, spikes included.
 * Returns the input (copied) when it already fits in `maxPoints`.
 */
export function downsampleMinMax(x: number[], ys: (number | null)[][], maxPoints: number): SeriesSample {
  for (const [i, y] of ys.entries()) {
    if (y.length !== x.length) {
      throw new Error(`downsampleMinMax: series ${i} has ${y.length} values but x has ${x.length}`);
    }
  }
  if (maxPoints < 2) throw new Error(`downsampleMinMax: maxPoints must be >= 2, got ${maxPoints}`);
  if (x.length <= maxPoints) return { x: [...x], ys: ys.map((y) => [...y]) };

  const buckets = Math.floor(maxPoints / 2);
  const outX: number[] = [];
  const outYs: (number | null)[][] = ys.map(() => []);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * x.length) / buckets);
    const to = Math.floor(((b + 1) * x.length) / buckets); // exclusive
    if (to <= from) continue;
    outX.push(x[from]!, x[to - 1]!);
    ys.forEach((y, s) => {
      let minI = -1;
      let maxI = -1;
      for (let i = from; i < to; i++) {
        const v = y[i];
        if (v === null || v === undefined || Number.isNaN(v)) continue;
        if (minI < 0 || v < y[minI]!) minI = i;
        if (maxI < 0 || v > y[maxI]!) maxI = i;
      }
      const out = outYs[s]!;
      if (minI < 0) out.push(null, null);
      else if (minI <= maxI) out.push(y[minI]!, y[maxI]!);
      else out.push(y[maxI]!, y[minI]!);
    });
  }
  return { x: outX, ys: outYs };
}

export interface ScatterPoint {
  t: number;
  gapMs: number;
}

export interface CappedScatter<P extends ScatterPoint> {
  points: P[];
  /** How many points the input had (the chart says "showing N of M"). */
  total: number;
}

/**
 * Caps a scatter (one heartbeat-gap point per connection) at `maxPoints`, deterministically: the
 * largest gaps are always kept (a quarter of the budget; they are the finding), the rest is an even
 * stride over the remaining points in time order so the shape of the cloud survives. Output is
 * sorted by t (then gap), as uPlot needs ascending x.
 */
export function capScatter<P extends ScatterPoint>(
  points: readonly P[],
  maxPoints: number,
): CappedScatter<P> {
  if (maxPoints < 1) throw new Error(`capScatter: maxPoints must be >= 1, got ${maxPoints}`);
  const byTime = (a: P, b: P) => a.t - b.t || a.gapMs - b.gapMs;
  if (points.length <= maxPoints) return { points: [...points].sort(byTime), total: points.length };

  const indices = points.map((_, i) => i);
  const worstCount = Math.max(1, Math.floor(maxPoints / 4));
  // Largest gaps first; index breaks ties so the choice never depends on sort stability.
  const worst = [...indices]
    .sort((a, b) => points[b]!.gapMs - points[a]!.gapMs || a - b)
    .slice(0, worstCount);
  const kept = new Set(worst);
  const rest = indices.filter((i) => !kept.has(i)).sort((a, b) => byTime(points[a]!, points[b]!) || a - b);
  const strideCount = maxPoints - kept.size;
  for (let k = 0; k < strideCount; k++) {
    kept.add(rest[Math.floor((k * rest.length) / strideCount)]!);
  }
  return { points: [...kept].map((i) => points[i]!).sort(byTime), total: points.length };
}
