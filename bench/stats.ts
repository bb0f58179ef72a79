/** Small order statistics for benchmark samples (pure). */

/** The q-quantile (0..1) of `xs` by nearest rank; NaN for an empty list. Does not modify `xs`. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return quantileSorted(sorted, q);
}

/** Same as quantile() for an already ascending list (no copy: for large latency arrays). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Rounds for display and JSON: 3 significant-ish decimals without trailing noise. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
