/**
 * What the runner and a fleet process say to each other (fleet-pool.ts, fleet-process.ts). Plain
 * data only: it crosses a process boundary by structured clone.
 */
import type { RecordBatch } from '../history/batch.ts';
import type { FleetSpec } from './fleet-spec.ts';
import type { SubscriberCounters } from './subscriber.ts';

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
