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
  return runClockAt(performance.now());
}

/**
 * The run's origin as an absolute time (ms since the epoch, sub-millisecond): what another process
 * on this machine needs to record on the same clock (`clockFromAbsolute`).
 */
export function absoluteOrigin(clock: RunClock): number {
  return performance.timeOrigin + clock.origin;
}

/**
 * A run clock in this process whose times are another process's run times: both processes'
 * `performance.timeOrigin + performance.now()` read one machine's clock, so records of a fleet
 * split over processes compare directly (the runner measures what error remains: fleet-pool.ts).
 */
export function clockFromAbsolute(absolute: number): RunClock {
  return runClockAt(absolute - performance.timeOrigin);
}

function runClockAt(origin: number): RunClock {
  return {
    origin,
    now: () => performance.now() - origin,
    wallClockAt: (t) => new Date(performance.timeOrigin + origin + t).toISOString(),
  };
}
