/**
 * The idle watchdog: one shared interval checks every open connection for silence, instead of one
 * timer per subscriber (10,000 timers re-armed on every chunk would cost more than the parsing).
 * A connection that saw no byte for `stallAfterMs` is stalled: half-open sockets and blackholes
 * never error on their own.
 */

export interface WatchEntry {
  /** Time (watchdog clock) of the last byte or response; the owner updates it on activity. */
  lastActivity: number;
  /** Silence longer than this is a stall. */
  stallAfterMs: number;
  /** Called once when the entry stalls; the entry is already unwatched. */
  onStall(): void;
}

export interface Watchdog {
  watch(entry: WatchEntry): void;
  unwatch(entry: WatchEntry): void;
  /** Entries currently watched. */
  readonly size: number;
  /** The clock entries must use for lastActivity. */
  now(): number;
}

/** `tickMs` bounds how late a stall is noticed (stallAfterMs + up to tickMs). */
export function createWatchdog(tickMs = 250, now: () => number = () => performance.now()): Watchdog {
  const entries = new Set<WatchEntry>();
  let timer: NodeJS.Timeout | null = null;

  function tick(): void {
    const t = now();
    const stalled: WatchEntry[] = [];
    for (const e of entries) if (t - e.lastActivity >= e.stallAfterMs) stalled.push(e);
    for (const e of stalled) {
      entries.delete(e);
      e.onStall();
    }
    if (entries.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  return {
    now,
    get size() {
      return entries.size;
    },
    watch(entry) {
      entries.add(entry);
      // The interval runs only while something is watched: an idle process has no timer to leak.
      timer ??= setInterval(tick, tickMs);
    },
    unwatch(entry) {
      entries.delete(entry);
      if (entries.size === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    },
  };
}

/** The default shared watchdog for subscribers created without one. */
export const sharedWatchdog: Watchdog = createWatchdog();
