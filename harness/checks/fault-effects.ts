/**
 * Faults: did each fault take effect? A toxic that never touched a stream, a restart that never
 * happened, a reload that did not load, all leave a scenario that tests nothing while it passes.
 * The history shows each fault's effect in its own way:
 * - latency: live events published inside the window on an affected leg arrived at least the
 *   injected latency (minus jitter) late (median);
 * - bandwidth: those events queued up: their p95 latency is well above the run's steady p95;
 * - blackhole, cut, limit-data: streams of affected subscribers ended inside the window (or as it
 *   was undone, or when the client's watchdog gave up on them);
 * - nginx-reload: a reload was recorded; target-sigterm / target-sigkill: the target (or the named
 *   instance) exited; redis-restart: Redis exited;
 * - any fault on the `redis` leg: publishes inside the window were refused, or acknowledged ones never
 *   reached anyone, or were acknowledged late (a latency toxic: the median acknowledgement took at least
 *   the injected latency);
 * - packet-loss, rate-limit, netem (below TCP): the kernel counted the fault's work as it ended (a
 *   `link` record): packets dropped by the loss rules, packets a shaper held back or dropped, packets
 *   netem handled. Latency is no mark here: on a link with a sub-millisecond round trip, fast
 *   retransmits and tail-loss probes repair a lost segment within milliseconds.
 * Faults whose effect a history cannot show (slicer, user-defined ones) are counted as unverifiable.
 */
import type { HistoryRecord } from '../history/records.ts';
import { asArray, type Check } from './check.ts';
import type { CheckContext } from './context.ts';
import { analyzeDeliveries, LIVE } from './deliveries.ts';
import type { Lane } from './disruptions.ts';
import { faultWindows } from './faults.ts';
import { percentile } from './stats.ts';

const CLOSING = new Set(['blackhole', 'cut', 'limit-data']);
/** Below TCP: judged by the tail latency of what was published inside the window. */
const PACKET = new Set(['packet-loss', 'rate-limit', 'netem']);
const VERIFIABLE = new Set([
  'latency',
  'bandwidth',
  'nginx-reload',
  'target-sigterm',
  'target-sigkill',
  'redis-restart',
  ...CLOSING,
  ...PACKET,
]);

interface Window {
  name: string;
  leg: string | undefined;
  start: number;
  end: number;
  lanes: Lane[];
  params: Record<string, unknown>;
  latencies: number[];
  closes: number;
  marked: boolean;
}

function lanesOf(leg: string | undefined): Lane[] {
  return leg === 'edge' || leg === 'edge-b' ? [leg] : ['edge', 'edge-b'];
}

function steadyP95(records: readonly HistoryRecord[], ctx: CheckContext): number {
  const a = analyzeDeliveries(records, ctx);
  const live: number[] = [];
  const lat = a.firstLatencyMs.view();
  for (let i = 0; i < lat.length; i++) if (a.firstClass[i] === LIVE) live.push(lat[i]!);
  return percentile(live, 95) ?? 0;
}

export const faults: Check = {
  name: 'faults',
  description: 'every fault took effect (its mark is in the history); failed and unverifiable faults',
  run(history, ctx) {
    const records = asArray(history);
    const windows: Window[] = faultWindows(records).map((w) => ({
      name: w.name,
      leg: w.leg,
      start: w.startMs,
      end: w.endMs,
      lanes: lanesOf(w.leg),
      params: w.params,
      latencies: [],
      closes: 0,
      marked: false,
    }));
    const failed = faultWindows(records).filter((w) => w.error !== undefined).length;
    if (windows.length === 0) {
      return { 'faults.count': 0, 'faults.failed': 0, 'faults.withoutEffect': 0, 'faults.unverifiable': 0 };
    }
    const lane = new Map<number, Lane>();
    const openAt = new Map<number, number>();
    const closeUntil = ctx.faultSlackMs + ctx.watchdogMs;
    for (const r of records) {
      switch (r.kind) {
        case 'subscriber':
          lane.set(r.sub, r.lane);
          break;
        case 'response':
          if (r.status === 200) openAt.set(r.sub, r.t);
          break;
        case 'close': {
          openAt.delete(r.sub);
          const l = lane.get(r.sub) ?? 'edge';
          for (const w of windows) {
            if (CLOSING.has(w.name) && w.lanes.includes(l) && r.t >= w.start && r.t <= w.end + closeUntil)
              w.closes++;
          }
          break;
        }
        case 'event': {
          if (r.publishedAt === undefined) break;
          const opened = openAt.get(r.sub);
          if (opened === undefined || r.publishedAt < opened) break; // a replay says nothing about the path
          const l = lane.get(r.sub) ?? 'edge';
          for (const w of windows) {
            const onPath = (w.name === 'latency' || w.name === 'bandwidth') && w.leg !== 'redis';
            if (onPath && w.lanes.includes(l)) {
              if (r.publishedAt >= w.start && r.publishedAt <= w.end) w.latencies.push(r.t - r.publishedAt);
            }
          }
          break;
        }
        case 'link': {
          const did =
            r.fault === 'packet-loss'
              ? r.lossDropped > 0
              : r.fault === 'rate-limit'
                ? r.qdiscOverlimits + r.qdiscDropped > 0
                : r.qdiscPackets > 0;
          if (!did) break;
          // Recorded as the fault is undone: at its window's end.
          for (const w of windows)
            if (w.name === r.fault && r.t >= w.start && r.t <= w.end + ctx.faultSlackMs) w.marked = true;
          break;
        }
        case 'redis':
          if (r.action !== 'exit') break;
          for (const w of windows)
            if (w.name === 'redis-restart' && r.t >= w.start && r.t <= w.end) w.marked = true;
          break;
        case 'nginx':
          for (const w of windows)
            if (w.name === 'nginx-reload' && r.t >= w.start && r.t <= w.end) w.marked = true;
          break;
        case 'publish':
        case 'publish-error':
          for (const w of windows) {
            if (w.leg !== 'redis' || r.sentAt < w.start || r.sentAt > w.end) continue;
            if (r.kind === 'publish-error') w.marked = true;
            else w.latencies.push(r.t - r.sentAt);
          }
          break;
        case 'target':
          if (r.action !== 'exit') break;
          for (const w of windows) {
            if (w.name.startsWith('target-') && r.t >= w.start && r.t <= w.end) w.marked = true;
          }
          break;
        default:
          break;
      }
    }
    let withoutEffect = 0;
    let unverifiable = 0;
    const steady = windows.some((w) => w.name === 'bandwidth') ? steadyP95(records, ctx) : 0;
    const unreceived = windows.some((w) => w.leg === 'redis')
      ? analyzeDeliveries(records, ctx).unreceivedAckT
      : [];
    for (const w of windows) {
      if (!VERIFIABLE.has(w.name)) {
        unverifiable++;
        continue;
      }
      let took: boolean;
      if (w.leg === 'redis') {
        // Publishes are the path through Redis: refused, lost, or (latency) slow to be acknowledged.
        const injected = Math.max(0, Number(w.params.latency ?? 0) - Number(w.params.jitter ?? 0));
        const p50 = percentile(w.latencies, 50);
        const lost = unreceived.some((t) => t >= w.start && t <= w.end + ctx.faultSlackMs);
        took = w.marked || lost || (injected > 0 && p50 !== null && p50 >= injected * 0.9);
      } else if (PACKET.has(w.name)) {
        took = w.marked;
      } else if (w.name === 'latency') {
        const injected = Math.max(0, Number(w.params.latency ?? 0) - Number(w.params.jitter ?? 0));
        const p50 = percentile(w.latencies, 50);
        took = p50 !== null && p50 >= injected * 0.9;
      } else if (w.name === 'bandwidth') {
        const p95 = percentile(w.latencies, 95);
        took = p95 !== null && p95 >= 2 * steady + 50;
      } else if (CLOSING.has(w.name)) took = w.closes > 0;
      else took = w.marked;
      if (!took) withoutEffect++;
    }
    return {
      'faults.count': windows.length,
      'faults.failed': failed,
      'faults.withoutEffect': withoutEffect,
      'faults.unverifiable': unverifiable,
    };
  },
};
