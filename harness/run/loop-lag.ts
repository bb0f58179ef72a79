/**
 * How late this process's event loop ran while a run's fleet streamed. The modelled subscribers
 * stamp every record on this loop (a real browser stamps its own, in its own processes), so a loop
 * that stalls (a busy machine, a browser's DevTools traffic) makes the model's times late and
 * bunched: latency looks longer, reconnect timers that came due during a stall fire together. The
 * model check reads this before it compares timing verdicts.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The sampling timer's period: what an idle loop reports as its delay. */
const RESOLUTION_MS = 10;

export interface LoopLag {
  /** Delay beyond the sampling period, p99 and max (ms). */
  p99Ms: number;
  maxMs: number;
}

/** Starts measuring; `stop()` ends it and returns what it saw. */
export function startLoopLag(): { stop(): LoopLag } {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  let result: LoopLag | undefined;
  return {
    stop() {
      if (!result) {
        h.disable();
        const ms = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);
        result = h.count > 0 ? { p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) } : { p99Ms: 0, maxMs: 0 };
      }
      return result;
    },
  };
}
