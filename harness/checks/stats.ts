/** Small order statistics over plain numbers. */

/** Nearest-rank percentile (p in 0..100) of values sorted ascending; null when empty. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))]!;
}

/** Sorts a copy numerically (typed arrays sort by value, not by string). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

export function percentile(values: ArrayLike<number>, p: number): number | null {
  return percentileSorted(sortedCopy(values), p);
}

/** Several percentiles with one sort. */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): (number | null)[] {
  const sorted = sortedCopy(values);
  return ps.map((p) => percentileSorted(sorted, p));
}

export function maxOf(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! > m) m = values[i]!;
  return m;
}

/** Rounds to 0.001 ms so measurements stay readable in results.json. */
export function round3(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}

/** A growable Float64 buffer: millions of samples without millions of boxed numbers. */
export class FloatBuffer {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i]!;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
