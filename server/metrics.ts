/**
 * Prometheus metrics (prom-client). Each server instance owns its own Registry, so several servers
 * in one process (tests, embedding) never collide, and /metrics shows only this server.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ResetReason } from './resume.ts';

export type CloseReason = 'client' | 'slow-client' | 'shutdown' | 'error';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // Event-loop lag as the p99 delay since the previous scrape: a stalled loop delays every stream.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  const metrics = {
    registry,
    activeConnections: new Gauge({
      name: 'sse_active_connections',
      help: 'Open event streams.',
      registers,
    }),
    connectionsOpened: new Counter({
      name: 'sse_connections_opened_total',
      help: 'Event streams opened.',
      registers,
    }),
    connectionsClosed: new Counter({
      name: 'sse_connections_closed_total',
      help: 'Event streams closed, by reason: client (went away), slow-client, shutdown, error.',
      labelNames: ['reason'] as const,
      registers,
    }),
    streamsRefused: new Counter({
      name: 'sse_streams_refused_total',
      help: 'Stream requests refused, by reason (draining, bad-request, log-unavailable).',
      labelNames: ['reason'] as const,
      registers,
    }),
    publishRequests: new Counter({
      name: 'sse_publish_requests_total',
      help: 'POST /publish requests by HTTP status code.',
      labelNames: ['code'] as const,
      registers,
    }),
    eventsPublished: new Counter({
      name: 'sse_events_published_total',
      help: 'Events appended to the log and acknowledged.',
      registers,
    }),
    eventsWritten: new Counter({
      name: 'sse_events_written_total',
      help: 'Events written to streams (live and replayed), counted once per stream.',
      registers,
    }),
    replayedEvents: new Counter({
      name: 'sse_replayed_events_total',
      help: 'Events written to streams from the log after a Last-Event-ID (or a reset).',
      registers,
    }),
    resets: new Counter({
      name: 'sse_resets_total',
      help: 'reset events sent for a Last-Event-ID that was malformed, unknown or expired.',
      labelNames: ['reason'] as const,
      registers,
    }),
    heartbeats: new Counter({
      name: 'sse_heartbeats_total',
      help: 'Heartbeat comments written.',
      registers,
    }),
    slowClientDisconnects: new Counter({
      name: 'sse_slow_client_disconnects_total',
      help: 'Streams cut because the client could not keep up (its queue exceeded --client-queue-bytes).',
      registers,
    }),
    publishToWrite: new Histogram({
      name: 'sse_publish_to_write_seconds',
      help: 'From a publish request arriving to the event being written to every live stream (once per event; a write delayed by a slow stream is observed on its own).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    appendSeconds: new Histogram({
      name: 'sse_log_append_seconds',
      help: 'Time for the event log to commit an append (includes fsync with --fsync always).',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    eventLoopLag: new Gauge({
      name: 'sse_event_loop_lag_seconds',
      help: 'p99 event-loop delay since the previous scrape.',
      registers,
      collect() {
        const p99 = loopDelay.percentile(99);
        this.set(Number.isFinite(p99) ? p99 / 1e9 : 0);
        loopDelay.reset();
      },
    }),
    stop(): void {
      loopDelay.disable();
      registry.clear();
    },
  };
  // Zero series up front so dashboards and rate() see every reason before the first occurrence.
  for (const reason of ['client', 'slow-client', 'shutdown', 'error'] satisfies CloseReason[]) {
    metrics.connectionsClosed.inc({ reason }, 0);
  }
  for (const reason of ['malformed', 'unknown', 'expired'] satisfies ResetReason[])
    metrics.resets.inc({ reason }, 0);
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
