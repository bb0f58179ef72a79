/**
 * When each subscriber's path was disturbed on purpose, and when it recovered.
 *
 * A disruption is a fault window that reaches the subscriber's lane (a fault on `edge-b` does not
 * touch `edge` subscribers; faults on `origin`, an instance's origin leg, Redis, nginx or the target
 * touch everyone: which subscribers an instance serves changes with every reconnect) or the target
 * (or one of its instances) being down (SIGTERM/SIGKILL/exit until `ready`). It lasts, for that subscriber, from its start
 * until the subscriber has recovered: the first byte after the window's end on a stream that then
 * stays open for at least `faultSlackMs` (a stream that dies right after, as one does when undoing a
 * blackhole closes it, is not a recovery). A subscriber that never recovers stays disrupted until
 * it leaves or the run ends; recovery-time judges that.
 *
 * So "outside disruptions" is exactly the healthy stretches of each subscriber, before the fault and
 * after its own recovery: latency, silence, buffering and idle cuts are judged there, also after
 * every fault, and nothing healthy is cut out by a fixed settle time.
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

const EMPTY = new IntervalSet([]);

/** One disruption as it affected one subscriber. */
export interface Recovery {
  sub: number;
  /** The disruption's window (its start is clipped to the subscriber's join). */
  start: number;
  end: number;
  /** First healthy byte after `end`; undefined when the subscriber never recovered. */
  recoveredAt: number | undefined;
  /** The subscriber left (unsubscribe, give-up) before recovering. */
  left: boolean;
}

export interface Disruptions {
  /** Merged raw windows (fault windows and target-down intervals) that reach a lane, without recovery. */
  lane(lane: Lane): IntervalSet;
  /** The same, each extended by faultSlackMs: for judging a connection attempt itself (its own delays). */
  laneWithSlack(lane: Lane): IntervalSet;
  /** A subscriber's disrupted stretches: each window up to its own recovery. */
  forSub(sub: number): IntervalSet;
  /** Every (subscriber, disruption) pair with its recovery. */
  recoveries: readonly Recovery[];
  /** Target down intervals only (SIGTERM/SIGKILL/exit -> ready). */
  targetDown: readonly (readonly [number, number])[];
  /** Merged windows over every lane (fault windows and target down), without recovery. */
  all: IntervalSet;
}

function targetDownIntervals(records: readonly HistoryRecord[], endT: number): [number, number][] {
  const out: [number, number][] = [];
  // Per instance (one key for a single target): instances of a cluster stop and start on their own.
  const downSince = new Map<string, number>();
  for (const r of records) {
    if (r.kind !== 'target') continue;
    const key = r.instance ?? '';
    if (r.action === 'sigterm' || r.action === 'sigkill' || r.action === 'exit') {
      if (!downSince.has(key)) downSince.set(key, r.t);
    } else if (r.action === 'ready' && downSince.has(key)) {
      out.push([downSince.get(key)!, r.t]);
      downSince.delete(key);
    }
  }
  for (const t of downSince.values()) out.push([t, endT]);
  return out.sort((a, b) => a[0] - b[0]);
}

interface SubState {
  lane: Lane;
  joinT: number;
  leftT: number | undefined;
  windows: IntervalSet;
  /** Next window (index) whose recovery is unknown. */
  k: number;
  recoveredAt: (number | undefined)[];
  conn: number;
  open: boolean;
  candidate: { t: number; conn: number } | undefined;
}

export function disruptions(records: readonly HistoryRecord[], ctx: CheckContext): Disruptions {
  return memo(records, `disruptions:${ctx.faultSlackMs}`, () => build(records, ctx));
}

function build(records: readonly HistoryRecord[], ctx: CheckContext): Disruptions {
  const { endT } = runBounds(records);
  const windows = faultWindows(records);
  const down = targetDownIntervals(records, endT);
  const slack = ctx.faultSlackMs;
  const laneSet = (lane: Lane): IntervalSet =>
    new IntervalSet([
      ...windows
        .filter((w) => (w.leg !== 'edge' && w.leg !== 'edge-b') || w.leg === lane)
        .map((w) => [w.startMs, w.endMs] as const),
      ...down,
    ]);
  const lanes: Record<Lane, IntervalSet> = { edge: laneSet('edge'), 'edge-b': laneSet('edge-b') };
  const withSlack = (set: IntervalSet): IntervalSet =>
    new IntervalSet(set.starts.map((start, i) => [start, set.ends[i]! + slack] as const));
  const slacked: Record<Lane, IntervalSet> = {
    edge: withSlack(lanes.edge),
    'edge-b': withSlack(lanes['edge-b']),
  };
  const all = new IntervalSet([...windows.map((w) => [w.startMs, w.endMs] as const), ...down]);

  const subs = new Map<number, SubState>();
  const resolve = (s: SubState, t: number): void => {
    const w = s.windows;
    while (s.k < w.size && w.ends[s.k]! <= t) s.recoveredAt[s.k++] = t;
  };
  const confirm = (s: SubState, now: number): void => {
    if (s.candidate && now >= s.candidate.t + slack) {
      resolve(s, s.candidate.t);
      s.candidate = undefined;
    }
  };
  const observe = (s: SubState, t: number): void => {
    if (!s.open || s.candidate) return;
    if (s.k < s.windows.size && s.windows.ends[s.k]! <= t) s.candidate = { t, conn: s.conn };
  };

  if (all.size > 0) {
    for (const r of records) {
      if (!('sub' in r)) continue;
      let s = subs.get(r.sub);
      if (r.kind === 'subscriber') {
        const w = lanes[r.lane];
        s = {
          lane: r.lane,
          joinT: r.t,
          leftT: undefined,
          windows: w,
          k: 0,
          recoveredAt: [],
          conn: 0,
          open: false,
          candidate: undefined,
        };
        // Windows that ended before the subscriber joined did not disturb it.
        while (s.k < w.size && w.ends[s.k]! < r.t) s.recoveredAt[s.k++] = undefined;
        subs.set(r.sub, s);
        continue;
      }
      if (!s) continue;
      confirm(s, r.t);
      switch (r.kind) {
        case 'connect':
          s.conn++;
          s.open = false;
          break;
        case 'response':
          s.open = r.status === 200 && r.contentType.toLowerCase().includes('text/event-stream');
          if (s.open) observe(s, r.t);
          break;
        case 'first-byte':
        case 'event':
        case 'heartbeat':
        case 'retry':
        case 'reset':
          observe(s, r.t);
          break;
        case 'close':
          if (s.candidate && s.candidate.conn === s.conn && r.t < s.candidate.t + slack)
            s.candidate = undefined;
          s.open = false;
          break;
        case 'unsubscribe':
        case 'give-up':
          s.leftT ??= r.t;
          break;
        default:
          break;
      }
    }
  }

  const perSub = new Map<number, IntervalSet>();
  const recoveries: Recovery[] = [];
  for (const [sub, s] of subs) {
    if (s.candidate) resolve(s, s.candidate.t); // its stream outlived the run
    const spans: [number, number][] = [];
    const w = s.windows;
    for (let i = 0; i < w.size; i++) {
      const start = Math.max(w.starts[i]!, s.joinT);
      const end = w.ends[i]!;
      if (end < s.joinT) continue;
      if (s.leftT !== undefined && s.leftT <= start) continue;
      const at = s.recoveredAt[i];
      const left = at === undefined && s.leftT !== undefined;
      recoveries.push({ sub, start, end, recoveredAt: at, left });
      const until = at !== undefined ? Math.max(end + slack, at) : (s.leftT ?? endT);
      spans.push([start, Math.max(until, end + slack)]);
    }
    if (spans.length) perSub.set(sub, new IntervalSet(spans));
  }

  return {
    lane: (lane) => lanes[lane],
    laneWithSlack: (lane) => slacked[lane],
    forSub: (sub) => perSub.get(sub) ?? EMPTY,
    recoveries,
    targetDown: down,
    all,
  };
}
