/**
 * What the runner and a fleet process say to each other (fleet-pool.ts, fleet-process.ts). Plain
 * data only: it crosses a process boundary by structured clone.
 */
import type { RecordBatch } from '../history/batch.ts';
import type { BackoffPolicy } from './reconnect-policy.ts';
import type { SubscriberCounters } from './subscriber.ts';

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

export type ToFleetProcess =
  /** First message: the slice and the run clock's absolute origin (performance.timeOrigin + origin). */
  | { type: 'config'; spec: FleetSpec; clockOrigin: number; flushMs: number }
  | { type: 'start' }
  | { type: 'ping'; id: number }
  | { type: 'stop' };

export type FromFleetProcess =
  | { type: 'ready' }
  | { type: 'records'; batch: RecordBatch; counters: SubscriberCounters & { started: number } }
  /** Its run-clock time when the ping arrived. */
  | { type: 'pong'; id: number; t: number }
  /** The ramp has started every subscriber. */
  | { type: 'started' }
  /** The last records (the unsubscribes), then it exits. */
  | { type: 'stopped'; batch: RecordBatch; counters: SubscriberCounters & { started: number } }
  | { type: 'error'; message: string };
