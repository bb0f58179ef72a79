/** Pure reconnect policy and watchdog logic. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../harness/client/random.ts';
import {
  backoffCeiling,
  backoffDelay,
  clampRetry,
  MAX_TIMER_MS,
  validateBackoff,
} from '../../harness/client/reconnect-policy.ts';
import { createWatchdog, type WatchEntry } from '../../harness/client/watchdog.ts';

describe('retry clamp', () => {
  it('keeps sane values, clamps absurd ones to the timer limit or the configured bounds', () => {
    expect(clampRetry(3000)).toBe(3000);
    expect(clampRetry(0)).toBe(0);
    expect(clampRetry(2 ** 31)).toBe(MAX_TIMER_MS);
    expect(clampRetry(Infinity)).toBe(MAX_TIMER_MS);
    expect(clampRetry(5, { floorMs: 100, ceilingMs: 1000 })).toBe(100);
    expect(clampRetry(5000, { floorMs: 100, ceilingMs: 1000 })).toBe(1000);
    expect(clampRetry(5000, { floorMs: 0, ceilingMs: 2 ** 40 })).toBe(5000);
    expect(clampRetry(2 ** 35, { floorMs: 0, ceilingMs: 2 ** 40 })).toBe(MAX_TIMER_MS);
  });
});

describe('backoff with full jitter', () => {
  const policy = { baseMs: 100, capMs: 5000, resetAfterMs: 1000 };

  it('ceilings double from the base up to the cap', () => {
    expect([0, 1, 2, 5, 6, 60, 5000].map((n) => backoffCeiling(n, policy))).toEqual([
      100, 200, 400, 3200, 5000, 5000, 5000,
    ]);
  });

  it('every delay lies in [0, ceiling) for any seed and attempt', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat({ max: 100 }), (seed, n) => {
        const d = backoffDelay(n, policy, seededRandom(seed));
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(backoffCeiling(n, policy));
        expect(Number.isInteger(d)).toBe(true);
      }),
    );
  });

  it('jitter spreads a herd: 1,000 clients at the same attempt do not pick the same delay', () => {
    const delays = Array.from({ length: 1000 }, (_, i) => backoffDelay(4, policy, seededRandom(i)));
    expect(new Set(delays).size).toBeGreaterThan(500);
  });

  it('rejects policies that make no sense, saying which value is wrong', () => {
    expect(() => validateBackoff({ baseMs: 0, capMs: 1, resetAfterMs: 0 })).toThrow(/baseMs/);
    expect(() => validateBackoff({ baseMs: 10, capMs: 5, resetAfterMs: 0 })).toThrow(/capMs \(5\)/);
  });
});

describe('shared watchdog', () => {
  it('stalls only silent entries, once, and stops its timer when nothing is watched', async () => {
    let now = 0;
    const w = createWatchdog(5, () => now);
    const stalled: string[] = [];
    const quiet: WatchEntry = { lastActivity: 0, stallAfterMs: 100, onStall: () => stalled.push('quiet') };
    const busy: WatchEntry = { lastActivity: 0, stallAfterMs: 100, onStall: () => stalled.push('busy') };
    w.watch(quiet);
    w.watch(busy);
    now = 60;
    busy.lastActivity = 60;
    await new Promise((r) => setTimeout(r, 20));
    expect(stalled).toEqual([]);
    now = 120;
    await new Promise((r) => setTimeout(r, 20));
    expect(stalled).toEqual(['quiet']);
    expect(w.size).toBe(1);
    w.unwatch(busy);
    expect(w.size).toBe(0);
    now = 1000;
    await new Promise((r) => setTimeout(r, 20));
    expect(stalled).toEqual(['quiet']);
  });
});
