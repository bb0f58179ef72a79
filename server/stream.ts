/**
 * One open event stream (GET /events), from headers to close.
 *
 * Phases:
 * 1. replay: a cursor walks the log window from the resume point, writing only while the socket
 *    accepts data (res.write() true) and continuing on 'drain'. In-process logs are read in place
 *    (nothing is copied per client: the log is the backlog); a shared log (Redis) is read in batches
 *    of REPLAY_BATCH with `log.read`, the pump pausing while a read is under way. Replay ends when
 *    the cursor reaches the log's lastSeq (what the commit listeners have seen); a batch may run
 *    past it, and `advance` then skips those events when they arrive live. If the window moves
 *    past the cursor before the client caught up (the next event is not cursor + 1), the client is
 *    too slow and is cut (it reconnects and gets an explicit reset, never a silent gap).
 * 2. live: each committed event is written at once; while the socket is backed up, frames wait in a
 *    per-client queue bounded in bytes (--client-queue-bytes, counting Node's own buffer too).
 *    Over the bound the client is cut and counted, so one slow reader never grows memory or delays
 *    the others.
 *
 * Resume point: a stream that starts without a usable Last-Event-ID (none, or a reset) first gets an
 * id-only block naming its start position (the head, or the sentinel `<epoch>-000000000000` on an
 * empty log). Without it, a client cut before its first event would reconnect without an id and
 * silently miss what was published meanwhile. The position is the stream's cursor, read in the same
 * synchronous turn that registers the stream for commits (app.ts), so the id sent is exactly the
 * replay/live boundary: every later commit reaches this stream, none before it does.
 *
 * A shared log can adopt a new epoch (its store lost the log): the cursor of a stream opened before
 * then means nothing in the new log, so the stream ends (on its next event or heartbeat) and the
 * client reconnects to an explicit `unknown` reset.
 *
 * Heartbeats are comment lines (`: hb <n>`), skipped while the socket is backed up (the queued data
 * already keeps the connection busy).
 *
 * Extending: createSseServer's `createStream` option builds a session per stream; a subclass can
 * override one step (the protected methods below: resume point, replay start, cursor advance, what
 * happens to a live event on a backed-up socket, heartbeat, shutdown) and keep the rest.
 */
import { performance } from 'node:perf_hooks';
import type { ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { EventLog, StoredEvent } from './event-log.ts';
import { encodedFrame, frameComment, frameEvent, frameIdOnly, frameRetry } from './framing.ts';
import type { Logger } from './logger.ts';
import type { CloseReason, Metrics } from './metrics.ts';
import type { Resume } from './resume.ts';
import { matchesTopic, type TopicFilter } from './topics.ts';

export interface StreamOptions {
  id: number;
  res: ServerResponse;
  log: EventLog;
  topics: TopicFilter;
  resume: Resume;
  retryMs: number;
  heartbeatMs: number;
  clientQueueBytes: number;
  metrics: Metrics;
  logger: Logger;
  span: Span;
  remote: string;
  lastEventId: string | undefined;
  /** Called once when the stream has closed, for whatever reason. */
  onClosed(stream: StreamSession): void;
}

/** Events per read while replaying from a shared log. */
export const REPLAY_BATCH = 500;

interface Queued {
  buf: Buffer;
  receivedAt: number | undefined;
}

export class StreamSession {
  /** Sequence number of the last event this stream has handled (written or skipped by topic). */
  protected cursor: number;
  protected phase: 'replay' | 'live' = 'replay';
  /** True while the socket is backed up (res.write() returned false), until 'drain'. */
  protected blocked = false;
  private queue: Queued[] = [];
  private queuedBytes = 0;
  private heartbeatCount = 0;
  private readonly heartbeat: NodeJS.Timeout;
  protected closeReason: CloseReason | undefined;
  protected closed = false;
  private replayed = 0;
  private written = 0;
  private readonly openedAt = performance.now();
  /** The log's epoch when the stream started: the id space `cursor` belongs to. */
  private readonly epoch: string;
  /** Events read from a shared log, not yet written (replay only). */
  private fetched: StoredEvent[] = [];
  private fetching = false;

  constructor(protected readonly o: StreamOptions) {
    this.cursor = o.resume.afterSeq;
    this.epoch = o.log.epoch;
    const { res } = o;
    res.on('drain', () => this.onDrain());
    res.on('close', () => this.finish());
    res.on('error', (err) => {
      this.closeReason ??= 'error';
      o.logger.warn('stream socket error', { stream: o.id, error: err.message });
    });
    this.heartbeat = setInterval(() => {
      if (this.epochChanged()) return;
      this.sendHeartbeat();
    }, o.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Writes the retry hint, the resume point (without a usable Last-Event-ID), the reset (if any)
   * and the replay; then the stream is live. Must run in the same turn as the resume was resolved.
   */
  start(): void {
    const { o } = this;
    this.send(frameRetry(o.retryMs));
    if (o.resume.kind !== 'replay') this.sendResumePoint(o.log.positionId(this.cursor));
    if (o.resume.kind === 'reset') {
      const { reason, earliestId, requested } = o.resume;
      this.send(frameEvent({ event: 'reset', data: JSON.stringify({ reason, earliestId, requested }) }));
      o.metrics.resets.inc({ reason });
      o.span.setAttribute('sse.reset_reason', reason);
    }
    o.logger.info('stream open', {
      stream: o.id,
      remote: o.remote,
      topics: o.topics ? [...o.topics] : null,
      lastEventId: o.lastEventId ?? null,
      resume: o.resume.kind,
      ...(o.resume.kind === 'reset' && { resetReason: o.resume.reason }),
      retryMs: o.retryMs,
    });
    this.beginReplay();
  }

  /**
   * A committed event (in sequence order), from the log's commit listener. Returns true when the
   * event was written live right away: the caller counts those once per event (with 10,000
   * streams, per-stream metric updates are a measurable share of the fan-out cost).
   */
  onCommit(ev: StoredEvent): boolean {
    if (this.closed || this.closeReason !== undefined) return false;
    if (this.epochChanged()) return false;
    if (this.phase === 'replay') {
      if (!this.blocked) this.pumpReplay();
      return false;
    }
    if (!this.advance(ev)) return false;
    if (!matchesTopic(this.o.topics, ev.topic)) return false;
    const buf = encodedFrame(ev);
    if (!this.blocked) {
      this.send(buf);
      this.written += 1;
      return true;
    }
    this.holdWhileBackedUp(buf, ev);
    return false;
  }

  /**
   * Graceful end: flush what is queued, send the retry hint chosen for this stream, end the
   * response. The client reconnects after `retryMs` and resumes from its last id.
   */
  shutdown(retryMs: number): void {
    if (this.closed || this.closeReason) return;
    this.closeReason = 'shutdown';
    clearInterval(this.heartbeat);
    for (const q of this.queue.splice(0)) this.writeEvent(q.buf, q.receivedAt);
    this.queuedBytes = 0;
    this.o.span.setAttribute('sse.shutdown_retry_ms', retryMs);
    this.o.res.end(frameRetry(retryMs));
  }

  /** Ends the stream at once (e.g. when the shutdown grace period runs out). */
  cut(reason: CloseReason): void {
    if (this.closed) return;
    if (reason === 'slow-client' && this.closeReason === undefined) {
      this.o.metrics.slowClientDisconnects.inc();
      this.o.logger.warn('slow client cut', {
        stream: this.o.id,
        remote: this.o.remote,
        queuedBytes: this.queuedBytes,
        bufferedBytes: this.o.res.writableLength,
        limit: this.o.clientQueueBytes,
      });
    }
    this.closeReason ??= reason;
    this.queue = [];
    this.queuedBytes = 0;
    this.o.res.destroy();
  }

  /** The id-only block naming where this stream starts (streams without a usable Last-Event-ID). */
  protected sendResumePoint(position: string): void {
    this.send(frameIdOnly(position));
    this.o.span.setAttribute('sse.start_id', position);
  }

  /** Starts delivery after the preamble: the replay from the cursor, then live (see pumpReplay). */
  protected beginReplay(): void {
    this.pumpReplay();
  }

  /**
   * Moves the cursor to a live event; false when this stream already has it. Commits arrive in
   * sequence order, so an event at or below the cursor was part of the replay, and the next new one
   * is cursor + 1.
   */
  protected advance(ev: StoredEvent): boolean {
    if (ev.seq <= this.cursor) return false;
    if (ev.seq > this.cursor + 1) {
      // The log skipped events (a shared log's reader fell behind its store's retention): this
      // stream cannot have them, so it ends rather than go on with a silent gap.
      this.endOnError('the log skipped events this stream had not had', { nextSeq: ev.seq });
      return false;
    }
    this.cursor = ev.seq;
    return true;
  }

  /** A live event found the socket backed up: it waits in the bounded queue; over the bound, cut. */
  protected holdWhileBackedUp(buf: Buffer, ev: StoredEvent): void {
    this.queue.push({ buf, receivedAt: ev.receivedAt });
    this.queuedBytes += buf.length;
    if (this.queuedBytes + this.o.res.writableLength > this.o.clientQueueBytes) this.cut('slow-client');
  }

  /** Writes one event read from the log (a replay) and counts it. */
  protected writeReplayed(ev: StoredEvent): void {
    this.send(encodedFrame(ev));
    this.replayed += 1;
    this.written += 1;
    this.o.metrics.replayedEvents.inc();
    this.o.metrics.eventsWritten.inc();
  }

  private pumpReplay(): void {
    const { log, topics } = this.o;
    while (!this.blocked && !this.closed && this.phase === 'replay') {
      if (this.fetched.length === 0 && this.cursor >= log.lastSeq) {
        this.phase = 'live';
        this.o.span.setAttribute('sse.replayed_count', this.replayed);
        return;
      }
      const ev = log.read ? this.fetched.shift() : log.get(this.cursor + 1);
      if (ev === undefined && log.read) {
        this.fetchReplay();
        return;
      }
      if (ev === undefined || ev.seq !== this.cursor + 1) {
        // The window moved past us while this client was still catching up.
        this.cut('slow-client');
        return;
      }
      this.cursor = ev.seq;
      if (!matchesTopic(topics, ev.topic)) continue;
      this.writeReplayed(ev);
    }
  }

  /** Reads the next batch after the cursor from a shared log; the pump goes on when it arrives. */
  private fetchReplay(): void {
    if (this.fetching) return;
    this.fetching = true;
    this.o.log.read!(this.cursor, REPLAY_BATCH).then(
      (events) => {
        this.fetching = false;
        if (this.closed || this.closeReason !== undefined) return;
        if (events.length === 0) {
          // This process delivered events past the cursor, yet the store has none: it lost them.
          this.endOnError('the log holds nothing after the replay position', {});
          return;
        }
        this.fetched = events;
        if (!this.blocked) this.pumpReplay();
      },
      (err: Error) => {
        this.fetching = false;
        if (this.closed || this.closeReason !== undefined) return;
        this.endOnError('replay read failed', { error: err.message });
      },
    );
  }

  /** True (and the stream is ending) once the log has moved to another epoch. */
  private epochChanged(): boolean {
    if (this.o.log.epoch === this.epoch) return false;
    this.endOnError('the event log was reset (new epoch)', { epoch: this.epoch, newEpoch: this.o.log.epoch });
    return true;
  }

  /** Ends a stream that cannot go on: the client reconnects and resumes (or is told of the gap). */
  private endOnError(why: string, details: Record<string, unknown>): void {
    if (this.closed || this.closeReason !== undefined) return;
    this.o.logger.warn(`stream ended: ${why}`, { stream: this.o.id, cursor: this.cursor, ...details });
    this.cut('error');
  }

  /** A late write (the event waited in this stream's queue): counted and timed on its own. */
  private writeEvent(buf: Buffer, receivedAt: number | undefined): void {
    this.send(buf);
    this.written += 1;
    this.o.metrics.eventsWritten.inc();
    if (receivedAt !== undefined) {
      this.o.metrics.publishToWrite.observe((performance.now() - receivedAt) / 1000);
    }
  }

  protected send(chunk: string | Buffer): void {
    const { res } = this.o;
    if (this.closed || res.destroyed || res.writableEnded) return;
    if (!res.write(chunk)) this.blocked = true;
  }

  private onDrain(): void {
    this.blocked = false;
    if (this.phase === 'replay') {
      this.pumpReplay();
      return;
    }
    while (!this.blocked && this.queue.length > 0) {
      const q = this.queue.shift()!;
      this.queuedBytes -= q.buf.length;
      this.writeEvent(q.buf, q.receivedAt);
    }
  }

  /** A comment line on the heartbeat timer (skipped while the socket is backed up). */
  protected sendHeartbeat(): void {
    if (this.blocked || this.closed) return;
    this.heartbeatCount += 1;
    this.send(frameComment(`hb ${this.heartbeatCount}`));
    this.o.metrics.heartbeats.inc();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.queue = [];
    const reason: CloseReason = this.closeReason ?? 'client';
    const { o } = this;
    o.metrics.activeConnections.dec();
    o.metrics.connectionsClosed.inc({ reason });
    o.span.setAttributes({
      'sse.close_reason': reason,
      'sse.replayed_count': this.replayed,
      'sse.events_written': this.written,
      'sse.heartbeats': this.heartbeatCount,
    });
    if (reason === 'error' || reason === 'slow-client') {
      o.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    }
    o.span.end();
    o.logger.info('stream close', {
      stream: o.id,
      remote: o.remote,
      reason,
      replayed: this.replayed,
      written: this.written,
      heartbeats: this.heartbeatCount,
      durationMs: Math.round(performance.now() - this.openedAt),
    });
    o.onClosed(this);
  }
}
