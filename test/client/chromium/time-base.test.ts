/**
 * Browser timestamps on the run clock: CDP's MonotonicTime and Node's hrtime share CLOCK_MONOTONIC
 * on Linux, so a browser time converts exactly; a failed bracket check falls back to arrival stamps.
 */
import { describe, expect, it } from 'vitest';
import { createTimeBase } from '../../../harness/client/chromium/time-base.ts';
import type { RunClock } from '../../../harness/history/clock.ts';
import { createRunClock } from '../../../harness/history/clock.ts';

/** CDP MonotonicTime (seconds) of `agoMs` before now. */
const cdpSecondsAgo = (agoMs: number): number => (Number(process.hrtime.bigint()) / 1e6 - agoMs) / 1000;

describe('time base', () => {
  it('converts a browser timestamp to the run clock: how long ago it was stamped, before now', () => {
    const clock = createRunClock();
    const tb = createTimeBase(clock);
    const before = clock.now();
    const t = tb.toRun(cdpSecondsAgo(50));
    const after = clock.now();
    expect(tb.mode).toBe('cdp');
    expect(t).toBeGreaterThanOrEqual(before - 50 - 0.05);
    expect(t).toBeLessThanOrEqual(after - 50 + 0.05);
  });

  it('works with any run clock that counts milliseconds (not only performance.now based)', () => {
    let now = 1_000;
    const clock: RunClock = { origin: 0, now: () => now, wallClockAt: () => '' };
    const tb = createTimeBase(clock);
    expect(tb.toRun(cdpSecondsAgo(200))).toBeCloseTo(800, 0);
    now = 5_000;
    expect(tb.toRun(cdpSecondsAgo(0))).toBeCloseTo(5_000, 0);
  });

  it('keeps browser times when a stamp falls inside the window we bracketed it with', () => {
    const clock = createRunClock();
    const tb = createTimeBase(clock);
    const before = clock.now();
    const stamp = cdpSecondsAgo(0);
    const after = clock.now();
    expect(tb.calibrate(before, stamp, after)).toBe('cdp');
  });

  it('falls back to arrival stamps when a browser time is outside the bracket (another clock)', () => {
    const clock = createRunClock();
    const tb = createTimeBase(clock);
    const before = clock.now();
    const after = clock.now();
    // A browser on another machine: its monotonic clock started somewhere else entirely.
    expect(tb.calibrate(before, cdpSecondsAgo(0) + 3_600, after)).toBe('arrival');
    expect(tb.mode).toBe('arrival');
    const t = tb.toRun(12.5);
    expect(t).toBeGreaterThanOrEqual(after);
    expect(t).toBeLessThanOrEqual(clock.now());
  });

  it('can be told to stamp on arrival from the start', () => {
    const clock = createRunClock();
    const tb = createTimeBase(clock, 'arrival');
    const before = clock.now();
    expect(tb.toRun(cdpSecondsAgo(1_000))).toBeGreaterThanOrEqual(before);
  });
});
