/**
 * The run clock: one monotonic time base for every record of a run (publishers, subscribers and the
 * nemesis share a process), so records compare without wall-clock skew or NTP jumps.
 */
import type { Millis } from './records.ts';

export interface RunClock {
  /** Milliseconds since the run's origin (monotonic). */
  now(): Millis;
  /** performance.now() at the origin. */
  readonly origin: number;
  /** The wall-clock time (ISO 8601) of run time `t`, for reports and for correlating with logs. */
  wallClockAt(t: Millis): string;
}

export function createRunClock(): RunClock {
  const origin = performance.now();
  return {
    origin,
    now: () => performance.now() - origin,
    wallClockAt: (t) => new Date(performance.timeOrigin + origin + t).toISOString(),
  };
}
