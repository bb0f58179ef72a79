/**
 * The nemesis' one small interface (after Toxiproxy's `toxics/`): a fault is a named action with
 * a parameter schema; `apply` breaks something and returns the function that repairs it.
 * One file per fault, a registry by name (registry.ts).
 */
import type { z } from 'zod';
import type { HistoryRecord, Leg } from '../history/records.ts';
import type { Topology } from '../topology/topology.ts';
import type { ToxiproxyApi } from './toxiproxy-api.ts';

export interface FaultContext<P> {
  topology: Topology;
  /** The leg the fault acts on (faults without a leg ignore it). */
  leg: Leg;
  params: P;
  api: ToxiproxyApi;
  /** A unique suffix for toxic names, so two faults on one proxy never collide. */
  uid: string;
  /** Appends a record (target/nginx actions) to the run's history. */
  record(r: HistoryRecord): void;
  now(): number;
}

/** Repairs what `apply` broke. Must be safe to call once, also after a partial failure. */
export type Undo = () => Promise<void>;

export interface FaultDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** One line for --list and the report. */
  summary: string;
  /** Legs this fault can act on; empty for faults on nginx or the target. */
  legs: readonly Leg[];
  params: S;
  apply(ctx: FaultContext<z.output<S>>): Promise<Undo>;
}

/** Identity helper that keeps the params type tied to the schema. */
export function defineFault<S extends z.ZodType>(def: FaultDefinition<S>): FaultDefinition<S> {
  return def;
}
