/**
 * A planned fleet on a topology: profile mix, lanes (the fraction on edge-b when a fault targets
 * part of the fleet), watchdog and backoff, all from the plan; the run nonce so other runs' events
 * are told apart.
 */
import { createFleet, laneOf, type Fleet } from '../client/fleet.ts';
import type { RunClock } from '../history/clock.ts';
import type { History } from '../history/store.ts';
import type { Topology } from '../topology/topology.ts';
import type { FleetPlan } from './plan.ts';

export interface RunningFleet {
  readonly fleet: Fleet;
  /** Resolves when every subscriber has an open stream, or after `timeoutMs` (never rejects). */
  waitConnected(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startFleetFor(
  plan: FleetPlan,
  topology: Topology,
  history: History,
  clock: RunClock,
  o: { seed: number; run: string },
): Promise<RunningFleet> {
  const fleet = createFleet({
    size: plan.count,
    url: topology.urls.stream,
    urlB: topology.urls.streamB,
    laneBFraction: plan.edgeBFraction,
    rampMs: plan.rampMs,
    browserFraction: plan.browserFraction,
    topics: (i) =>
      laneOf(i, plan.count, plan.edgeBFraction) === 'edge-b' ? plan.fractionTopics : plan.topics,
    history,
    clock,
    seed: o.seed,
    run: o.run,
    stallAfterMs: plan.watchdogMs,
    backoff: { baseMs: plan.backoff.baseMs, capMs: plan.backoff.capMs },
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
      while (fleet.counters.connected < plan.count) {
        if (performance.now() >= end || signal?.aborted) return false;
        await new Promise((r) => setTimeout(r, 25));
      }
      return true;
    },
  };
}
