/** reorder-concurrent: ids in receive order, live broadcast in persist-completion order. */
import { setTimeout as sleep } from 'node:timers/promises';
import { createSseServer } from '../../server/app.ts';
import type { EventLog, StoredEvent } from '../../server/event-log.ts';
import { openConfiguredLog } from '../../server/open-log.ts';
import { StreamSession } from '../../server/stream.ts';
import type { ZooMember } from '../member.ts';
import { wrapLog } from '../wrap-log.ts';

/** Upper bound (inclusive) of the random "persist" delay, in ms. */
const MAX_PERSIST_MS = 15;

/**
 * The configured log, with an async "persist" step of 0-15 ms between storing an event (its id and
 * its place in the replay order are fixed at once) and broadcasting it to live streams. The
 * publish is acknowledged after the broadcast. Concurrent publishes are broadcast in the order
 * their persist steps finish.
 */
function broadcastAfterPersist(inner: EventLog, random: () => number = Math.random): EventLog {
  const listeners = new Set<(ev: StoredEvent) => void>();
  return wrapLog(inner, {
    async append(input) {
      const ev = await inner.append(input);
      await sleep(Math.floor(random() * (MAX_PERSIST_MS + 1)));
      for (const l of listeners) l(ev);
      return ev;
    },
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
}

/**
 * Writes live events in the order they are broadcast. Anything at or below the point where the
 * stream went live was in its replay; everything above it is new, in whatever order it comes.
 */
class ArrivalOrderStream extends StreamSession {
  private liveFrom: number | undefined;

  protected override advance(ev: StoredEvent): boolean {
    this.liveFrom ??= this.cursor;
    if (ev.seq <= this.liveFrom) return false;
    this.cursor = Math.max(this.cursor, ev.seq);
    return true;
  }
}

export const reorderConcurrent: ZooMember = {
  name: 'reorder-concurrent',
  summary: 'broadcasts concurrent publishes in persist-completion order: live streams get ids out of order',
  defect:
    'Ids are assigned in receive order, but each publish goes through an async persist step (0-15 ms) before it is ' +
    'broadcast, so under concurrent publishes live streams get events out of id order while replays come in id ' +
    'order. The ack is sent after the broadcast.',
  realWorld:
    'Handlers that take an id from a sequence or counter, `await db.insert(...)`, then `broadcast(event)`: ' +
    'concurrent requests finish their awaits in any order, and clients resuming by the highest id seen skip ' +
    'the late ones.',
  build: (options) =>
    createSseServer({
      ...options,
      // THE DEFECT: the broadcast waits for a persist step that finishes in random order ...
      openLog: async (config, logger) => broadcastAfterPersist(await openConfiguredLog(config, logger)),
      // ... and streams write what comes, in that order.
      createStream: (o) => new ArrivalOrderStream(o),
    }),
};
