/**
 * Puts the browser's own timestamps on the run clock.
 *
 * CDP's Network events carry `timestamp` as MonotonicTime: seconds of Chromium's base::TimeTicks,
 * which on Linux is CLOCK_MONOTONIC, the same clock as Node's process.hrtime() (and under
 * performance.now()). So a browser timestamp converts exactly: run time = clock.now() minus how long
 * ago, on that shared clock, the browser stamped it. That is the moment the browser saw the bytes,
 * not the moment its report reached us over the DevTools socket (several ms later, more under load).
 *
 * The shared clock is checked, not assumed: `calibrate` brackets one browser timestamp between two
 * readings of ours. If it falls outside (another OS, a remote browser), records are stamped on
 * arrival instead and `mode` says so.
 */
import type { RunClock } from '../../history/clock.ts';
import type { Millis } from '../../history/records.ts';

export type TimeBaseMode = 'cdp' | 'arrival';

export interface TimeBase {
  readonly mode: TimeBaseMode;
  /** Run-clock time of a CDP MonotonicTime (seconds). */
  toRun(cdpSeconds: number): Millis;
  /**
   * Checks that `cdpSeconds`, stamped by the browser between our `before` and `after` (run-clock
   * readings), converts into that window (± `slackMs`); otherwise switches to arrival stamping.
   * Returns the mode in force afterwards.
   */
  calibrate(before: Millis, cdpSeconds: number, after: Millis, slackMs?: number): TimeBaseMode;
}

/** Milliseconds on CLOCK_MONOTONIC (libuv's hrtime). */
const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** `initial` 'arrival' forces arrival stamping (e.g. a browser on another machine). */
export function createTimeBase(clock: RunClock, initial: TimeBaseMode = 'cdp'): TimeBase {
  let mode: TimeBaseMode = initial;
  const fromCdp = (cdpSeconds: number): Millis => clock.now() - (monotonicMs() - cdpSeconds * 1000);
  return {
    get mode() {
      return mode;
    },
    toRun(cdpSeconds) {
      return mode === 'cdp' ? fromCdp(cdpSeconds) : clock.now();
    },
    calibrate(before, cdpSeconds, after, slackMs = 5) {
      const t = fromCdp(cdpSeconds);
      if (!(t >= before - slackMs && t <= after + slackMs)) mode = 'arrival';
      return mode;
    },
  };
}
