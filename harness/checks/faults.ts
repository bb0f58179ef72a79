/**
 * Fault windows from `fault-start` / `fault-end` pairs (matched by id). A window whose end was never
 * recorded (the run broke mid-fault) lasts until the run's end and says so in `error`.
 */
import type { HistoryRecord } from '../history/records.ts';
import type { FaultWindow } from '../results/results.ts';
import { runBounds } from './bounds.ts';

export function faultWindows(history: readonly HistoryRecord[]): FaultWindow[] {
  const open = new Map<number, FaultWindow>();
  const done: FaultWindow[] = [];
  for (const r of history) {
    if (r.kind === 'fault-start') {
      const w: FaultWindow = { name: r.fault, startMs: r.t, endMs: r.t, params: r.params };
      if (r.leg !== undefined) w.leg = r.leg;
      open.set(r.id, w);
    } else if (r.kind === 'fault-end') {
      const w = open.get(r.id);
      if (!w) continue; // an end without a start carries no window
      open.delete(r.id);
      w.endMs = Math.max(w.startMs, r.t);
      if (r.error !== undefined) w.error = r.error;
      done.push(w);
    }
  }
  const endT = runBounds(history).endT;
  for (const w of open.values()) {
    w.endMs = Math.max(w.startMs, endT);
    w.error = 'no fault-end recorded: the window is assumed to last until the run ended';
    done.push(w);
  }
  return done.sort((a, b) => a.startMs - b.startMs);
}
