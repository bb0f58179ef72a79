/**
 * The publish schedule: event i is due at start + i / rate, computed from i rather than by adding
 * intervals, so timer lateness never accumulates into drift (a slow publish makes the next ones
 * catch up instead of shifting the whole schedule).
 */
export function dueAt(start: number, index: number, ratePerSec: number): number {
  return start + (index * 1000) / ratePerSec;
}

/** How many events a run of `durationMs` at `ratePerSec` publishes. */
export function plannedCount(durationMs: number, ratePerSec: number): number {
  return Math.max(0, Math.floor((durationMs * ratePerSec) / 1000));
}
