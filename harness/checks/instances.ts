/**
 * Instances: with several instances of the target behind the proxy, which one served each stream,
 * and how subscribers failed over when one stopped (memoized per history).
 *
 * A stream's instance is the proxy's upstream header mapped through the stack's `instance` records
 * (connections.ts). Only streams the instance really served count: an open stream that carried an
 * event or outlived its setup; an SSE error page from the proxy (200 + `retry:` and an end) does not.
 *
 * A failover is a subscriber's move from a served stream on instance A to its next served stream on
 * instance B while A was stopped (between A's SIGTERM/SIGKILL and its `ready`, with faultSlackMs on
 * either side); it takes from the end of the stream on A to the first byte on B. Other moves between
 * instances (a reconnect that the proxy's round robin sent elsewhere) are counted apart.
 */
import type { HistoryRecord } from '../history/records.ts';
import type { InstancesReport } from '../results/results.ts';
import { runBounds } from './bounds.ts';
import { asArray, type Check } from './check.ts';
import type { CheckContext } from './context.ts';
import { connectionModel, type Connection } from './connections.ts';
import { analyzeDeliveries } from './deliveries.ts';
import { memo } from './memo.ts';
import { percentile } from './stats.ts';

export interface Failover {
  sub: number;
  from: string;
  to: string;
  /** The stream on `from` ended. */
  closeT: number;
  /** The first byte on `to`. */
  resumedT: number;
  ms: number;
}

export interface InstanceStats {
  name: string;
  /** Streams it served. */
  streams: number;
  /** Subscribers it served at least once. */
  subscribers: number;
  /** Events it delivered (duplicates included). */
  events: number;
}

export interface InstanceAnalysis {
  /** The stack's instances, in order; empty for a single target. */
  names: string[];
  stats: InstanceStats[];
  failovers: Failover[];
  /** Moves between instances while the one left was up (round robin on a reconnect). */
  moves: number;
  /** The subscribers who made those moves. */
  movedSubs: number[];
  /** Served streams no instance could be named for (a proxy that does not send the upstream header). */
  unattributed: number;
}

/** Each instance's stopped stretches (stop .. ready), from `target` records that name it. */
export function instanceDowns(
  records: readonly HistoryRecord[],
  endT: number,
): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  const since = new Map<string, number>();
  for (const r of records) {
    if (r.kind !== 'target' || r.instance === undefined) continue;
    if (r.action === 'sigterm' || r.action === 'sigkill' || r.action === 'exit') {
      if (!since.has(r.instance)) since.set(r.instance, r.t);
    } else if (r.action === 'ready' && since.has(r.instance)) {
      const list = out.get(r.instance) ?? [];
      list.push([since.get(r.instance)!, r.t]);
      out.set(r.instance, list);
      since.delete(r.instance);
    }
  }
  for (const [name, t] of since) {
    const list = out.get(name) ?? [];
    list.push([t, endT]);
    out.set(name, list);
  }
  return out;
}

/** A stream the instance really served (not a proxy's error page). */
export function served(c: Connection, ctx: CheckContext): boolean {
  if (!c.open || c.responseT === undefined) return false;
  return c.events > 0 || c.closeT === undefined || c.closeT > c.responseT + ctx.setupWindowMs;
}

export function analyzeInstances(records: readonly HistoryRecord[], ctx: CheckContext): InstanceAnalysis {
  return memo(records, `instances:${ctx.faultSlackMs}:${ctx.setupWindowMs}`, () => analyze(records, ctx));
}

function analyze(records: readonly HistoryRecord[], ctx: CheckContext): InstanceAnalysis {
  const names: string[] = [];
  for (const r of records) if (r.kind === 'instance' && !names.includes(r.name)) names.push(r.name);
  if (names.length === 0)
    return { names, stats: [], failovers: [], moves: 0, movedSubs: [], unattributed: 0 };
  const downs = instanceDowns(records, runBounds(records).endT);
  const slack = ctx.faultSlackMs;
  const wasDown = (name: string, t: number): boolean =>
    (downs.get(name) ?? []).some(([a, b]) => t >= a - slack && t <= b + slack);

  const { connections } = connectionModel(records, ctx);
  const stats = new Map(names.map((n) => [n, { streams: 0, subs: new Set<number>(), events: 0 }]));
  const failovers: Failover[] = [];
  let moves = 0;
  const movedSubs = new Set<number>();
  let unattributed = 0;
  const previous = new Map<number, Connection>();
  for (const c of connections) {
    if (!served(c, ctx)) continue;
    if (c.instance === undefined) {
      unattributed++;
      continue;
    }
    const st = stats.get(c.instance);
    if (st) {
      st.streams++;
      st.subs.add(c.sub);
      st.events += c.events;
    }
    const prev = previous.get(c.sub);
    previous.set(c.sub, c);
    if (!prev || prev.instance === c.instance || prev.closeT === undefined) continue;
    if (wasDown(prev.instance!, prev.closeT)) {
      const resumedT = c.firstByteT ?? c.responseT!;
      failovers.push({
        sub: c.sub,
        from: prev.instance!,
        to: c.instance,
        closeT: prev.closeT,
        resumedT,
        ms: Math.max(0, resumedT - prev.closeT),
      });
    } else {
      moves++;
      movedSubs.add(c.sub);
    }
  }
  return {
    names,
    stats: names.map((name) => {
      const st = stats.get(name)!;
      return { name, streams: st.streams, subscribers: st.subs.size, events: st.events };
    }),
    failovers,
    moves,
    movedSubs: [...movedSubs],
    unattributed,
  };
}

/** Failovers grouped by (from, to), in order of appearance: who moved where, how fast (results.ts). */
export type FailoverGroup = InstancesReport['failovers'][number];

export function failoverGroups(records: readonly HistoryRecord[], ctx: CheckContext): FailoverGroup[] {
  const a = analyzeInstances(records, ctx);
  if (a.failovers.length === 0) return [];
  const silent = analyzeDeliveries(records, ctx).silentBySub;
  const groups = new Map<string, Failover[]>();
  for (const f of a.failovers) {
    const key = `${f.from}\u0000${f.to}`;
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  return [...groups.values()].map((list) => {
    const ms = list.map((f) => f.ms);
    const subs = new Set(list.map((f) => f.sub));
    let missed = 0;
    for (const sub of subs) missed += silent.get(sub) ?? 0;
    return {
      from: list[0]!.from,
      to: list[0]!.to,
      subscribers: subs.size,
      p50Ms: Math.round(percentile(ms, 50) ?? 0),
      p95Ms: Math.round(percentile(ms, 95) ?? 0),
      maxMs: Math.round(Math.max(...ms)),
      missed,
    };
  });
}

/**
 * The run's instances in words, for the report and for diagnoses: who served whom, who failed over
 * where and how fast, and what those subscribers lost. Empty for a single target.
 */
export function instanceStory(records: readonly HistoryRecord[], ctx: CheckContext): string[] {
  const a = analyzeInstances(records, ctx);
  if (a.names.length === 0) return [];
  const lines = [
    a.stats.map((s) => `${s.name} served ${s.streams} streams of ${s.subscribers} subscribers`).join('; ') +
      '.',
  ];
  for (const g of failoverGroups(records, ctx)) {
    lines.push(
      `The ${g.subscribers} subscriber${g.subscribers === 1 ? '' : 's'} on ${g.from} failed over to ${g.to} in ` +
        `${g.p95Ms} ms (p95; p50 ${g.p50Ms} ms, max ${g.maxMs} ms); ` +
        (g.missed > 0
          ? `${g.missed} acknowledged events they should have had never reached them.`
          : 'nothing they had to receive was lost.'),
    );
  }
  if (a.moves > 0) {
    const silent = analyzeDeliveries(records, ctx).silentBySub;
    const missed = a.movedSubs.reduce((sum, sub) => sum + (silent.get(sub) ?? 0), 0);
    lines.push(
      `${a.moves} reconnects of ${a.movedSubs.length} subscribers moved to another instance that was not stopped ` +
        `(round robin)` +
        (missed > 0
          ? `; those subscribers never got ${missed} acknowledged events they should have had.`
          : '.'),
    );
  }
  if (a.unattributed > 0)
    lines.push(`${a.unattributed} streams carried no upstream header: their instance is unknown.`);
  return lines;
}

export const instances: Check = {
  name: 'instances',
  description:
    'which instance served each stream; failovers when an instance stopped, and how long they took',
  run(history, ctx) {
    const records = asArray(history);
    const a = analyzeInstances(records, ctx);
    if (a.names.length === 0) {
      return {
        'instances.count': null,
        'instances.unattributed': null,
        'instances.failovers': null,
        'instances.failoverP50Ms': null,
        'instances.failoverP95Ms': null,
        'instances.failoverMaxMs': null,
        'instances.moves': null,
      };
    }
    const ms = a.failovers.map((f) => f.ms);
    const round = (x: number | null): number | null => (x === null ? null : Math.round(x));
    return {
      'instances.count': a.names.length,
      'instances.unattributed': a.unattributed,
      'instances.failovers': a.failovers.length,
      'instances.failoverP50Ms': round(percentile(ms, 50)),
      'instances.failoverP95Ms': round(percentile(ms, 95)),
      'instances.failoverMaxMs': ms.length ? Math.round(Math.max(...ms)) : null,
      'instances.moves': a.moves,
    };
  },
};
