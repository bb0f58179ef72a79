/**
 * The event log contract. A publish is acknowledged only once `append` resolves, so the log, not the
 * HTTP layer, decides what "acknowledged" means (memory: in the ring; file: written to the OS, and
 * fsynced per the policy; redis: XADD returned). Streams learn about new events through `onCommit`,
 * in sequence order, and read the retained window for replays.
 *
 * Two kinds of log implement it:
 * - in-process logs (memory, file) hold the whole window in this process: `lastSeq`, `firstSeq` and
 *   `get` are exact and synchronous, and `onCommit` fires synchronously before `append` resolves.
 * - shared logs (redis) keep the window in a store that several server instances append to. Each
 *   instance tails the store and calls `onCommit` for every event (its own and the others'), in
 *   order, as it reads them; `lastSeq` is what this instance has delivered so far. They add two
 *   async methods, `catchUp` and `read`, which the server uses whenever they are present.
 */
export interface PublishInput {
  topic: string;
  /** Event type; undefined means the default "message". */
  event?: string;
  data: string;
  /** performance.now() when the publish request arrived: for the publish-to-write histogram. */
  receivedAt?: number;
}

export interface StoredEvent {
  readonly seq: number;
  readonly id: string;
  readonly topic: string;
  readonly event?: string;
  readonly data: string;
  /** Wall-clock ms when the event was appended (kept in the journal, for operators). */
  readonly publishedAt: number;
  /**
   * When the publish arrived, on this process's performance.now() timeline: in-process logs know it
   * only for their own publishes (not persisted); the Redis log stores the arrival's wall-clock time
   * with the event, so it has it for every instance's events.
   */
  readonly receivedAt?: number;
}

export type LogKind = 'memory' | 'file' | 'redis';

export interface EventLog {
  readonly kind: LogKind;
  /**
   * Names this log's id space (see ids.ts). A shared log whose store lost the log (a Redis restart
   * without persistence) adopts the store's new epoch; streams opened before then end (stream.ts).
   */
  readonly epoch: string;
  /**
   * Sequence number of the newest event delivered to `onCommit` listeners in this process; 0 when
   * none. This is the replay/live boundary: a stream whose cursor reached it is live.
   */
  readonly lastSeq: number;
  /**
   * Sequence number of the earliest retained event; lastSeq + 1 when the window is empty. Exact for
   * in-process logs; for a shared log, as of the last `catchUp` (the store may have trimmed more
   * since: a replay that finds the gap cuts its stream, never skipping silently).
   */
  readonly firstSeq: number;
  /**
   * The retained event with this sequence number, if this process holds it: in-process logs hold the
   * whole window; a shared log holds none (its streams replay through `read`).
   */
  get(seq: number): StoredEvent | undefined;
  /**
   * The resume position just after event `seq`, in this log's id space: the event's own id, or for
   * seq 0 the sentinel "before this log's first event". Streams announce it as their resume point,
   * so it must be an id this server's resume resolver accepts.
   */
  positionId(seq: number): string;
  /**
   * Appends; resolves once stored per the log's policy. Rejects when closed or failed (an
   * `AppendOutcomeUnknownError` when the store may have stored it after all).
   */
  append(input: PublishInput): Promise<StoredEvent>;
  /**
   * Called for every committed event, in sequence order (in-process logs: synchronously, before
   * `append` resolves; shared logs: when this instance reads it from the store). Returns an
   * unsubscribe function.
   */
  onCommit(listener: (ev: StoredEvent) => void): () => void;
  /**
   * Set while the log cannot serve: for good after a journal write error, or while a shared store is
   * unreachable (cleared when it is back). Readiness reports it.
   */
  readonly failure: Error | undefined;
  /** Finishes pending appends, flushes (fsync for the file log) and refuses further appends. */
  close(): Promise<void>;
  /**
   * Shared logs: resolves once this process has delivered (`onCommit`) every event the store held
   * when it was called, and `firstSeq`/`epoch` are the store's. After it, any id a client can hold is
   * at most `lastSeq`, so a Last-Event-ID is resolved exactly (app.ts). Rejects while the store is
   * unreachable.
   */
  catchUp?(): Promise<void>;
  /**
   * Shared logs: retained events with seq > afterSeq, oldest first, at most `limit`, read from the
   * store (it may return events beyond `lastSeq` that this process has not delivered yet). An
   * answer that does not start at afterSeq + 1 means the window moved past afterSeq.
   */
  read?(afterSeq: number, limit: number): Promise<StoredEvent[]>;
}

/** Thrown by append after close(). */
export class LogClosedError extends Error {
  constructor() {
    super('the event log is closed (server shutting down); retry the publish against a running server');
    this.name = 'LogClosedError';
  }
}

/**
 * An append whose outcome is unknown: the store did not answer in time or the connection dropped
 * after the command was sent, so the event may or may not be stored. It is not acknowledged.
 */
export class AppendOutcomeUnknownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppendOutcomeUnknownError';
  }
}
