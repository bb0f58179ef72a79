/** The run's landmarks on its clock: where it ends and where the workload stops counting. */
import type { HistoryRecord } from '../history/records.ts';
import { memo } from './memo.ts';

export interface RunBounds {
  /** `run-start` t, else the earliest record (usually 0). */
  startT: number;
  /** `run-end` t, else the latest record. */
  endT: number;
  /** First `workload-end` phase; publishes acknowledged after it are not expected. */
  workloadEndT: number | undefined;
  /** First `drained` phase. */
  drainedT: number | undefined;
}

export function runBounds(records: readonly HistoryRecord[]): RunBounds {
  return memo(records, 'bounds', () => {
    let startT: number | undefined;
    let endT: number | undefined;
    let minT = Infinity;
    let maxT = -Infinity;
    let workloadEndT: number | undefined;
    let drainedT: number | undefined;
    for (const r of records) {
      if (r.t < minT) minT = r.t;
      if (r.t > maxT) maxT = r.t;
      if (r.kind === 'run-start') startT ??= r.t;
      else if (r.kind === 'run-end') endT = r.t;
      else if (r.kind === 'phase') {
        if (r.phase === 'workload-end') workloadEndT ??= r.t;
        else if (r.phase === 'drained') drainedT ??= r.t;
      }
    }
    if (minT === Infinity) minT = maxT = 0;
    return { startT: startT ?? Math.min(0, minT), endT: endT ?? maxT, workloadEndT, drainedT };
  });
}
