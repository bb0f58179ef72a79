/**
 * The memory log: a bounded ring, nothing on disk. An append is committed as soon as it is in the
 * ring. Each process gets a fresh epoch, so ids from a previous process are reported as unknown
 * (with an explicit reset) rather than matched against unrelated new events.
 */
import { type EventLog, LogClosedError, type PublishInput, type StoredEvent } from './event-log.ts';
import { formatId, newEpoch } from './ids.ts';
import { EventRing } from './ring.ts';

export function createMemoryLog(options: { retention: number; epoch?: string }): EventLog {
  const epoch = options.epoch ?? newEpoch();
  const ring = new EventRing<StoredEvent>(options.retention);
  const listeners = new Set<(ev: StoredEvent) => void>();
  let closed = false;

  return {
    kind: 'memory',
    epoch,
    get lastSeq() {
      return ring.lastSeq;
    },
    get firstSeq() {
      return ring.firstSeq;
    },
    get failure() {
      return undefined;
    },
    get: (seq) => ring.get(seq),
    append(input: PublishInput): Promise<StoredEvent> {
      if (closed) return Promise.reject(new LogClosedError());
      const seq = ring.lastSeq + 1;
      const ev: StoredEvent = {
        seq,
        id: formatId(epoch, seq),
        topic: input.topic,
        ...(input.event !== undefined && { event: input.event }),
        data: input.data,
        publishedAt: Date.now(),
        ...(input.receivedAt !== undefined && { receivedAt: input.receivedAt }),
      };
      ring.push(ev);
      for (const l of listeners) l(ev);
      return Promise.resolve(ev);
    },
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}
