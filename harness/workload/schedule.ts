/**
 * The publish schedule: event i is due at start + i / rate, computed from i rather than by adding
 * intervals, so timer lateness never accumulates into drift (a slow publish makes the next ones
 * catch up instead of shifting the whole schedule). Pauses are quiet stretches (an idle period
 * longer than a proxy's read timeout, a delayed start): no event is due inside one.
 */

/** A stretch of the workload with no publishes: [at, at + duration) ms after the workload start. */
export interface Pause {
  at: number;
  duration: number;
}

export function dueAt(start: number, index: number, ratePerSec: number): number {
  return start + (index * 1000) / ratePerSec;
}

/** How many slots a run of `durationMs` at `ratePerSec` has (pauses included). */
export function plannedCount(durationMs: number, ratePerSec: number): number {
  return Math.max(0, Math.floor((durationMs * ratePerSec) / 1000));
}

/** True if the slot due `offsetMs` after the start falls inside a pause. */
export function inPause(offsetMs: number, pauses: readonly Pause[]): boolean {
  return pauses.some((p) => offsetMs >= p.at && offsetMs < p.at + p.duration);
}

/** Offsets (ms after the start) of every publish the workload will attempt, in order. */
export function publishOffsets(
  durationMs: number,
  ratePerSec: number,
  pauses: readonly Pause[] = [],
): number[] {
  const out: number[] = [];
  const n = plannedCount(durationMs, ratePerSec);
  for (let i = 0; i < n; i++) {
    const offset = dueAt(0, i, ratePerSec);
    if (!inPause(offset, pauses)) out.push(offset);
  }
  return out;
}
