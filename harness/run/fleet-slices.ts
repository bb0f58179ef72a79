/**
 * A planned fleet as slices: split over processes on this machine (a large fleet uses every core)
 * and, with `--shard i/n`, cut down to this machine's share of a fleet spread over machines. Each
 * subscriber keeps its index in the whole fleet, and with it its lane, profile, topics and jitter
 * seed, so a split fleet behaves subscriber for subscriber like one. Small unsplit fleets stay on the
 * plain path (fleet-setup.ts).
 */
import type { FleetCounters } from '../client/fleet.ts';
import { startFleetPool, type ClockCheck, type FleetPool } from '../client/fleet-pool.ts';
import { createFleetFromSpec, type FleetSpec } from '../client/fleet-spec.ts';
import type { RunClock } from '../history/clock.ts';
import type { HistorySink } from '../history/sink.ts';
import type { StackUrls } from '../topology/topology.ts';
import type { FleetPlan } from './plan.ts';

/** This machine's share of a fleet spread over `of` machines. */
export interface Shard {
  /** 0-based. */
  index: number;
  of: number;
}

/** Subscribers `first` .. `first + count - 1` of the whole fleet: shard `index` of `of`, contiguous. */
export function shardRange(total: number, shard: Shard): { first: number; count: number } {
  const base = Math.floor(total / shard.of);
  const extra = total % shard.of;
  return {
    first: shard.index * base + Math.min(shard.index, extra),
    count: base + (shard.index < extra ? 1 : 0),
  };
}

/** Valid `--run-id` values: they end up in every payload (history/payload.ts) and in file names. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The run nonce of a sharded run: the same on every shard (so each one's events are the run's), and
 * one per scenario (so a shard already on the next scenario cannot be mistaken for this one).
 */
export function shardNonce(runId: string, scenario: string): string {
  return `${runId}-${scenario}`;
}

/** The plan's fleet as data a fleet process can take (pure). */
export function fleetSpecFor(
  plan: FleetPlan,
  urls: Pick<StackUrls, 'stream' | 'streamB' | 'streams' | 'streamsB'>,
  o: { seed: number; run: string; shard?: Shard },
): FleetSpec {
  const range = o.shard ? shardRange(plan.count, o.shard) : { first: 0, count: plan.count };
  return {
    size: range.count,
    firstSub: range.first,
    fleetSize: plan.count,
    url: urls.streams ?? [urls.stream],
    urlB: urls.streamsB ?? [urls.streamB],
    laneBFraction: plan.edgeBFraction,
    rampMs: plan.rampMs,
    browserFraction: plan.browserFraction,
    topics: plan.topics,
    topicsB: plan.fractionTopics,
    seed: o.seed,
    run: o.run,
    stallAfterMs: plan.watchdogMs,
    backoff: { baseMs: plan.backoff.baseMs, capMs: plan.backoff.capMs },
  };
}

export interface SlicedFleet {
  readonly counters: Readonly<FleetCounters>;
  /** Subscribers this machine runs. */
  readonly size: number;
  /** Resolves when every subscriber has an open stream, or after `timeoutMs` (never rejects). */
  waitConnected(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Set when a fleet process failed: the history is incomplete. */
  problem(): string | undefined;
  /** What the split means for the report (processes, measured clock agreement). */
  notes(): string[];
  stop(): Promise<void>;
}

/**
 * Starts `spec` in `processes` fleet processes (or in this one when 1), records into `history` on
 * `clock`, and resolves once every subscriber has been started (the ramp is over).
 */
export async function startSlicedFleet(
  spec: FleetSpec,
  processes: number,
  history: HistorySink,
  clock: RunClock,
): Promise<SlicedFleet> {
  if (processes > 1) {
    const pool = await startFleetPool({ spec, processes, history, clock });
    try {
      await pool.start();
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return fromPool(pool, spec);
  }
  const fleet = createFleetFromSpec(spec, history, clock);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= fleet.stop());
  try {
    await fleet.start();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    counters: fleet.counters,
    size: spec.size,
    waitConnected: (ms, signal) => waitFor(fleet.counters, spec.size, ms, signal),
    problem: () => undefined,
    notes: () => [],
    stop,
  };
}

function fromPool(pool: FleetPool, spec: FleetSpec): SlicedFleet {
  return {
    counters: pool.counters,
    size: spec.size,
    async waitConnected(ms, signal) {
      return waitFor(pool.counters, spec.size, ms, signal);
    },
    problem: () => pool.problem(),
    notes: () => [clockNote(pool.processes, pool.clockChecks)],
    stop: () => pool.stop(),
  };
}

async function waitFor(
  counters: Readonly<FleetCounters>,
  size: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (counters.connected < size) {
    if (performance.now() >= end || signal?.aborted) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

const ms = (x: number): string => (x < 1 ? `${Math.round(x * 1000)} µs` : `${x.toFixed(2)} ms`);

/** The clock agreement of a split fleet, in words for the report. */
export function clockNote(processes: number, checks: readonly ClockCheck[]): string {
  const measured = checks.length
    ? `their clocks agreed with the runner's within ${ms(Math.max(...checks.map((c) => c.maxOffsetMs)))} ` +
      `(largest offset of the tightest of ${checks[0]!.samples} ping-pongs per process, measured ${checks.length === 2 ? 'before the ramp and after the fleet stopped' : `${checks.length} times`}; ` +
      `each known to ±${ms(Math.max(...checks.map((c) => c.maxBoundMs)))}, half a round trip)`
    : 'their clocks were not measured';
  return `the fleet ran in ${processes} processes on one clock (performance.timeOrigin + now): ${measured}`;
}
