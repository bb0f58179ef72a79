/**
 * A fleet (or a slice of one) as plain data: what crosses into a fleet process, and what a runner
 * builds from a plan. `createFleetFromSpec` is the one place it becomes createFleet's options.
 */
import type { RunClock } from '../history/clock.ts';
import type { HistorySink } from '../history/sink.ts';
import { createFleet, laneOf, type Fleet } from './fleet.ts';
import type { BackoffPolicy } from './reconnect-policy.ts';

/** A fleet (or a slice of one) as data: createFleet's options that can cross a process boundary. */
export interface FleetSpec {
  /** Subscribers in this slice: firstSub .. firstSub + size - 1 of a fleet of fleetSize. */
  size: number;
  firstSub: number;
  fleetSize: number;
  /** Stream URLs of the main lane (one per toxiproxy process) and of edge-b. */
  url: string[];
  urlB: string[];
  laneBFraction: number;
  rampMs: number;
  browserFraction: number;
  /** Topics of subscribers on the main lane and on edge-b. */
  topics: string[];
  topicsB: string[];
  seed: number;
  run?: string;
  /** The idle watchdog's limit (0: off). */
  stallAfterMs: number;
  backoff?: Partial<BackoffPolicy>;
}

/** The fleet a spec describes, recording into `history` on `clock` (not started). */
export function createFleetFromSpec(spec: FleetSpec, history: HistorySink, clock: RunClock): Fleet {
  return createFleet({
    size: spec.size,
    firstSub: spec.firstSub,
    fleetSize: spec.fleetSize,
    url: spec.url,
    urlB: spec.urlB,
    laneBFraction: spec.laneBFraction,
    rampMs: spec.rampMs,
    browserFraction: spec.browserFraction,
    topics: (g) => (laneOf(g, spec.fleetSize, spec.laneBFraction) === 'edge-b' ? spec.topicsB : spec.topics),
    history,
    clock,
    seed: spec.seed,
    ...(spec.run !== undefined ? { run: spec.run } : {}),
    stallAfterMs: spec.stallAfterMs,
    ...(spec.backoff ? { backoff: spec.backoff } : {}),
  });
}
