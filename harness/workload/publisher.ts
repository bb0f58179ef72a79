/**
 * The workload: publishes numbered events at a steady rate and records what the target
 * acknowledged. Publishing is sequential (one request in flight), so the target sees events in
 * seq order and the delivery check can demand that order from subscribers.
 *
 * Retry policy: none. A publish that fails (network error, non-2xx, timeout) is recorded as
 * `publish-error` and not retried: a retried publish could land twice, and an unacknowledged one
 * is not expected by the checks anyway. Its seq is spent; the next publish takes the next seq.
 * When publishes fall behind (e.g. a slow timeout during an outage), the overdue ones are skipped
 * and recorded as `publish-error` with "skipped: behind schedule", so an outage never turns into
 * a burst of stale publishes after it.
 */
import { encodePayload } from '../history/payload.ts';
import type { HistoryRecord } from '../history/records.ts';
import { dueAt, plannedCount } from './schedule.ts';

/** Sends one publish; resolves with the id the target acknowledged, rejects otherwise. */
export type PublishFn = (req: { topic: string; data: string }, signal: AbortSignal) => Promise<string>;

export interface WorkloadOptions {
  ratePerSec: number;
  durationMs: number;
  payloadBytes: number;
  topics: readonly string[];
  publish: PublishFn;
  record(r: HistoryRecord): void;
  now(): number;
  /** Per-request timeout. */
  requestTimeoutMs?: number;
  /** Publishes later than this behind their due time are skipped rather than sent late. */
  maxLagMs?: number;
}

export interface WorkloadStats {
  published: number;
  acknowledged: number;
  failed: number;
}

export interface Workload {
  /** Resolves after the last publish settled and `workload-end` was recorded. */
  readonly done: Promise<WorkloadStats>;
  /** Stops publishing early (in-flight request is aborted). */
  stop(): void;
}

export function startWorkload(opts: WorkloadOptions): Workload {
  const abort = new AbortController();
  const stats: WorkloadStats = { published: 0, acknowledged: 0, failed: 0 };
  const timeoutMs = opts.requestTimeoutMs ?? 2000;
  const maxLagMs = opts.maxLagMs ?? 1000;
  const total = plannedCount(opts.durationMs, opts.ratePerSec);

  async function loop(): Promise<WorkloadStats> {
    const start = opts.now();
    opts.record({ kind: 'phase', t: start, phase: 'workload-start' });
    for (let i = 0; i < total && !abort.signal.aborted; i++) {
      const due = dueAt(start, i, opts.ratePerSec);
      const wait = due - opts.now();
      if (wait > 0) await delay(wait, abort.signal);
      if (abort.signal.aborted) break;
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
        continue;
      }
      const data = encodePayload({ seq, publishedAt: sentAt, topic }, opts.payloadBytes);
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
    opts.record({ kind: 'phase', t: opts.now(), phase: 'workload-end' });
    return stats;
  }

  return { done: loop(), stop: () => abort.abort() };
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
