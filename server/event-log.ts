/**
 * The event log contract. A publish is acknowledged only once `append` resolves, so the log, not the
 * HTTP layer, decides what "acknowledged" means (memory: in the ring; file: written to the OS, and
 * fsynced per the policy). Streams read the retained window with `get` and learn about new events
 * through `onCommit`, which fires synchronously, in sequence order, before `append` resolves.
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
  /** Monotonic receive time; only for events published by this process (not persisted). */
  readonly receivedAt?: number;
}

export type LogKind = 'memory' | 'file';

export interface EventLog {
  readonly kind: LogKind;
  /** Names this log's id space (see ids.ts). */
  readonly epoch: string;
  /** Sequence number of the last committed event; 0 when nothing was ever committed. */
  readonly lastSeq: number;
  /** Sequence number of the earliest retained event; lastSeq + 1 when the window is empty. */
  readonly firstSeq: number;
  /** The retained event with this sequence number, if any. */
  get(seq: number): StoredEvent | undefined;
  /**
   * The resume position just after event `seq`, in this log's id space: the event's own id, or for
   * seq 0 the sentinel "before this log's first event". Streams announce it as their resume point,
   * so it must be an id this server's resume resolver accepts.
   */
  positionId(seq: number): string;
  /** Appends; resolves once durable per the log's policy. Rejects when closed or failed. */
  append(input: PublishInput): Promise<StoredEvent>;
  /** Called synchronously for every committed event, in order. Returns an unsubscribe function. */
  onCommit(listener: (ev: StoredEvent) => void): () => void;
  /** Set once the log can no longer accept appends (e.g. a write error); readiness reports it. */
  readonly failure: Error | undefined;
  /** Finishes pending appends, flushes (fsync for the file log) and refuses further appends. */
  close(): Promise<void>;
}

/** Thrown by append after close(). */
export class LogClosedError extends Error {
  constructor() {
    super('the event log is closed (server shutting down); retry the publish against a running server');
    this.name = 'LogClosedError';
  }
}
