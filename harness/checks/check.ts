/**
 * The one small interface every check implements (Toxiproxy's toxics and Jepsen's checkers are the
 * model): a pure function from a run's history to flat, namespaced measurements (keys.ts).
 */
import type { HistoryRecord } from '../history/records.ts';
import type { CheckContext } from './context.ts';
import type { Measurements } from './keys.ts';

export type { Measurements } from './keys.ts';

export type Records = Iterable<HistoryRecord> | readonly HistoryRecord[];

export interface Check {
  /** The namespace of every key it emits. */
  readonly name: string;
  /** What it judges, one line. */
  readonly description: string;
  run(history: Records, ctx: CheckContext): Measurements;
}

/** Materializes an iterable once; arrays pass through untouched (so memoized analyses are shared). */
export function asArray(history: Records): readonly HistoryRecord[] {
  return Array.isArray(history) ? (history as readonly HistoryRecord[]) : Array.from(history);
}
