/**
 * The workload: publishes numbered events on a steady schedule and records what the target
 * acknowledged.
 *
 * Publishers: `publishers` concurrent loops share one schedule (slot i goes to loop i mod N); each
 * loop has one request in flight. With one publisher the target sees events in seq order; with
 * several, requests overlap as with independent producers, and the oracle orders events only by
 * real time (a publish acknowledged before another was sent must come first).
 *
 * Retry policy: none. A publish that fails (network error, non-2xx, timeout) is recorded as
 * `publish-error` and not retried: a retried publish could land twice, and an unacknowledged one
 * is not expected by the checks anyway. Its seq is spent. When a loop falls behind (a slow timeout
 * during an outage), its overdue slots are skipped and recorded as `publish-error` with "skipped:
 * behind schedule", so an outage never turns into a burst of stale publishes after it.
 */
import { encodePayload } from '../history/payload.ts';
import type { HistoryRecord } from '../history/records.ts';
import { publishOffsets, type Pause } from './schedule.ts';

/** Sends one publish; resolves with the id the target acknowledged, rejects otherwise. */
export type PublishFn = (req: { topic: string; data: string }, signal: AbortSignal) => Promise<string>;

export interface WorkloadOptions {
  ratePerSec: number;
  durationMs: number;
  payloadBytes: number;
  /** Payload size per topic, over payloadBytes. */
  payloadBytesByTopic?: Readonly<Record<string, number>>;
  topics: readonly string[];
  publish: PublishFn;
  record(r: HistoryRecord): void;
  now(): number;
  /** The run nonce every payload carries (history/payload.ts). */
  run?: string;
  /** Concurrent publish loops (default 1). */
  publishers?: number;
  /** Quiet stretches: no publish is due inside them. */
  pauses?: readonly Pause[];
  /** Per-request timeout. */
  requestTimeoutMs?: number;
  /** Publishes later than this behind their due time are skipped rather than sent late. */
  maxLagMs?: number;
  /**
   * Publish only slots `index`, `index + of`, `index + 2 of`, ... of the schedule (default: all). The
   * shards of a run spread over machines share one schedule this way: every seq is published once,
   * by one shard, and the target sees the scenario's rate.
   */
  slots?: { index: number; of: number };
}

export interface WorkloadStats {
  published: number;
  acknowledged: number;
  failed: number;
}

export interface Workload {
  /** Resolves after the last publish settled and `workload-end` was recorded. */
  readonly done: Promise<WorkloadStats>;
  /** Stops publishing early (in-flight requests are aborted). */
  stop(): void;
}

export function startWorkload(opts: WorkloadOptions): Workload {
  const abort = new AbortController();
  const stats: WorkloadStats = { published: 0, acknowledged: 0, failed: 0 };
  const timeoutMs = opts.requestTimeoutMs ?? 2000;
  const maxLagMs = opts.maxLagMs ?? 1000;
  const loops = Math.max(1, Math.floor(opts.publishers ?? 1));
  const offsets = publishOffsets(opts.durationMs, opts.ratePerSec, opts.pauses);
  const first = opts.slots?.index ?? 0;
  const stride = opts.slots?.of ?? 1;
  if (!Number.isInteger(stride) || stride < 1 || !Number.isInteger(first) || first < 0 || first >= stride)
    throw new RangeError(`slots: expected 0 <= index < of, got ${first} of ${stride}`);

  async function publishSlot(i: number, due: number): Promise<void> {
    const seq = i + 1;
    const topic = opts.topics[i % opts.topics.length]!;
    const sentAt = opts.now();
    stats.published++;
    if (sentAt - due > maxLagMs) {
      stats.failed++;
      opts.record({
        kind: 'publish-error',
        t: sentAt,
        seq,
        topic,
        sentAt,
        error: 'skipped: behind schedule',
      });
      return;
    }
    const size = opts.payloadBytesByTopic?.[topic] ?? opts.payloadBytes;
    const data = encodePayload({ seq, publishedAt: sentAt, topic, run: opts.run }, size);
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(timeoutMs)]);
    try {
      const id = await opts.publish({ topic, data }, signal);
      stats.acknowledged++;
      opts.record({ kind: 'publish', t: opts.now(), seq, topic, id, sentAt });
    } catch (err) {
      stats.failed++;
      opts.record({ kind: 'publish-error', t: opts.now(), seq, topic, sentAt, error: errorText(err) });
    }
  }

  async function loop(k: number, start: number): Promise<void> {
    for (let i = first + k * stride; i < offsets.length && !abort.signal.aborted; i += loops * stride) {
      const due = start + offsets[i]!;
      const wait = due - opts.now();
      if (wait > 0) await delay(wait, abort.signal);
      if (abort.signal.aborted) break;
      await publishSlot(i, due);
    }
  }

  async function run(): Promise<WorkloadStats> {
    const start = opts.now();
    opts.record({ kind: 'phase', t: start, phase: 'workload-start' });
    await Promise.all(Array.from({ length: loops }, (_, k) => loop(k, start)));
    // The workload lasts its whole duration, also when it ends in a pause (an idle stretch).
    const end = start + opts.durationMs - opts.now();
    if (end > 0 && !abort.signal.aborted) await delay(end, abort.signal);
    opts.record({ kind: 'phase', t: opts.now(), phase: 'workload-end' });
    return stats;
  }

  return { done: run(), stop: () => abort.abort() };
}

function errorText(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : String(e.message ?? err);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}
