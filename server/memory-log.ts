/**
 * The memory log: a bounded ring, nothing on disk. An append is committed as soon as it is in the
 * ring. Each process gets a fresh epoch, so ids from a previous process are reported as unknown
 * (with an explicit reset) rather than matched against unrelated new events.
 */
import { type EventLog, LogClosedError, type PublishInput, type StoredEvent } from './event-log.ts';
import { formatPosition, newEpoch } from './ids.ts';
import { EventRing } from './ring.ts';

export interface MemoryLogOptions {
  retention: number;
  epoch?: string;
  /**
   * The id scheme: the id of event `seq` (seq 0: the position before the first event). Default
   * `<epoch>-<seq>` (ids.ts); an embedder with its own id format passes it here, together with a
   * matching resume resolver.
   */
  formatPosition?: (epoch: string, seq: number) => string;
}

export function createMemoryLog(options: MemoryLogOptions): EventLog {
  const epoch = options.epoch ?? newEpoch();
  const position = options.formatPosition ?? formatPosition;
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
    positionId: (seq) => position(epoch, seq),
    append(input: PublishInput): Promise<StoredEvent> {
      if (closed) return Promise.reject(new LogClosedError());
      const seq = ring.lastSeq + 1;
      const ev: StoredEvent = {
        seq,
        id: position(epoch, seq),
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
