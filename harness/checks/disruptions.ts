/**
 * When a subscriber's path was disturbed on purpose: fault windows that reach its lane (a fault on
 * `edge-b` does not touch `edge` subscribers; `origin`, target and nginx faults touch everyone),
 * plus the target being down (SIGTERM/SIGKILL/exit until `ready`). Each interval is extended by
 * `faultSettleMs`, because undoing a fault (removing a blackhole closes its connections) lands
 * just after its end. Checks use this to judge "outside faults" behaviour.
 */
import type { HistoryRecord } from '../history/records.ts';
import type { CheckContext } from './context.ts';
import { faultWindows } from './faults.ts';
import { runBounds } from './bounds.ts';
import { memo } from './memo.ts';

export type Lane = 'edge' | 'edge-b';

/** Sorted, merged, non-overlapping closed intervals with O(log n) queries. */
export class IntervalSet {
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  constructor(intervals: readonly (readonly [number, number])[]) {
    const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
    for (const [s, e] of sorted) {
      const last = this.ends.length - 1;
      if (last >= 0 && s <= this.ends[last]!) this.ends[last] = Math.max(this.ends[last]!, e);
      else {
        this.starts.push(s);
        this.ends.push(e);
      }
    }
  }

  get size(): number {
    return this.starts.length;
  }

  /** True if [a, b] touches any interval. */
  overlaps(a: number, b: number): boolean {
    // first interval whose end >= a
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! < a) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.starts.length && this.starts[lo]! <= b;
  }

  contains(t: number): boolean {
    return this.overlaps(t, t);
  }
}

export interface Disruptions {
  forLane(lane: Lane): IntervalSet;
  /** Target down intervals only (SIGTERM/SIGKILL/exit -> ready), without settle. */
  targetDown: readonly (readonly [number, number])[];
  /** Latest end of any fault window or target-down interval (without settle); undefined if none. */
  lastEndT: number | undefined;
}

function targetDownIntervals(records: readonly HistoryRecord[], endT: number): [number, number][] {
  const out: [number, number][] = [];
  let downSince: number | undefined;
  for (const r of records) {
    if (r.kind !== 'target') continue;
    if (r.action === 'sigterm' || r.action === 'sigkill' || r.action === 'exit') downSince ??= r.t;
    else if (r.action === 'ready' && downSince !== undefined) {
      out.push([downSince, r.t]);
      downSince = undefined;
    }
  }
  if (downSince !== undefined) out.push([downSince, endT]);
  return out;
}

export function disruptions(records: readonly HistoryRecord[], ctx: CheckContext): Disruptions {
  return memo(records, `disruptions:${ctx.faultSettleMs}`, () => {
    const { endT } = runBounds(records);
    const windows = faultWindows(records);
    const down = targetDownIntervals(records, endT);
    const settle = ctx.faultSettleMs;
    const perLane = (lane: Lane): IntervalSet =>
      new IntervalSet([
        ...windows
          .filter((w) => w.leg === undefined || w.leg === 'origin' || w.leg === lane)
          .map((w) => [w.startMs, w.endMs + settle] as const),
        ...down.map(([s, e]) => [s, e + settle] as const),
      ]);
    const lanes = { edge: perLane('edge'), 'edge-b': perLane('edge-b') };
    let lastEndT: number | undefined;
    for (const w of windows) lastEndT = Math.max(lastEndT ?? -Infinity, w.endMs);
    for (const [, e] of down) lastEndT = Math.max(lastEndT ?? -Infinity, e);
    return { forLane: (lane: Lane) => lanes[lane], targetDown: down, lastEndT };
  });
}
