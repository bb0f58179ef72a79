/**
 * A scenario's fleet on a topology: profile mix, lanes (the fraction on edge-b when a fault targets
 * part of the fleet), watchdog and a time-compressed backoff, all from the scenario.
 */
import { createFleet, type Fleet } from '../client/fleet.ts';
import type { RunClock } from '../history/clock.ts';
import type { History } from '../history/store.ts';
import type { Topology } from '../topology/topology.ts';
import type { Scenario } from './scenario.ts';

export interface RunningFleet {
  readonly fleet: Fleet;
  /** Resolves when every subscriber has an open stream, or after `timeoutMs` (never rejects). */
  waitConnected(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startFleetFor(
  s: Scenario,
  topology: Topology,
  history: History,
  clock: RunClock,
  seed: number,
): Promise<RunningFleet> {
  const browser = s.fleet.profiles.browser ?? 0;
  const backoff = s.fleet.profiles.backoff ?? 0;
  const fleet = createFleet({
    size: s.fleet.count,
    url: topology.urls.stream,
    urlB: topology.urls.streamB,
    laneBFraction: s.edgeBFraction,
    rampMs: s.fleet.rampMs,
    browserFraction: browser / (browser + backoff),
    topics: s.fleet.topics ?? [...s.workload.topics],
    history,
    clock,
    seed,
    heartbeatMs: s.topology.server.heartbeatMs,
    stallMultiple: s.fleet.watchdogMultiple,
    backoff: { baseMs: s.fleet.backoff.baseMs, capMs: s.fleet.backoff.capMs },
  });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= fleet.stop());
  try {
    await fleet.start();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    fleet,
    stop,
    async waitConnected(timeoutMs, signal) {
      const end = performance.now() + timeoutMs;
      while (fleet.counters.connected < s.fleet.count) {
        if (performance.now() >= end || signal?.aborted) return false;
        await new Promise((r) => setTimeout(r, 25));
      }
      return true;
    },
  };
}
