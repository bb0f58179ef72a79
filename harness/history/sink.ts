/**
 * Where recorders write: the History itself, or a batch that another process turns into History
 * records (a fleet split over several processes records into batches and ships them to the runner).
 * The three calls a fleet makes, nothing else.
 */
import type { HistoryRecord, Millis } from './records.ts';

export interface HistorySink {
  /** Any record (the rare kinds are kept as the object given). */
  append(record: HistoryRecord): void;
  /** An event without building a record object (the fleet's hot path). */
  appendEvent(
    t: Millis,
    sub: number,
    id: string,
    type: string,
    bytes: number,
    seq?: number,
    topic?: string,
    publishedAt?: Millis,
    payload?: 'foreign' | 'undecodable',
  ): void;
  /** A heartbeat (comment line) without building a record object. */
  appendHeartbeat(t: Millis, sub: number): void;
}

/**
 * Sends an `event` or `heartbeat` record to the sink's column path and returns true; false for any
 * other kind (the caller keeps it as the object it is).
 */
export function appendHot(sink: HistorySink, record: HistoryRecord): boolean {
  if (record.kind === 'event') {
    sink.appendEvent(
      record.t,
      record.sub,
      record.id,
      record.type,
      record.bytes,
      record.seq,
      record.topic,
      record.publishedAt,
      record.payload,
    );
    return true;
  }
  if (record.kind === 'heartbeat') {
    sink.appendHeartbeat(record.t, record.sub);
    return true;
  }
  return false;
}
