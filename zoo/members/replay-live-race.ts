/** replay-live-race: replay read asynchronously, live subscription only afterwards. */
import { createSseServer } from '../../server/app.ts';
import type { StoredEvent } from '../../server/event-log.ts';
import { StreamSession } from '../../server/stream.ts';
import { matchesTopic } from '../../server/topics.ts';
import type { ZooMember } from '../member.ts';

/** How long the replay "query" takes, in ms. */
const SNAPSHOT_QUERY_MS = 20;

/**
 * Reads the replay as a snapshot, waits as a database query would, writes it, and only then
 * subscribes to live events at the current head: whatever was committed in between is skipped.
 */
class SnapshotThenSubscribeStream extends StreamSession {
  private subscribed = false;

  protected override beginReplay(): void {
    const snapshot: StoredEvent[] = [];
    for (let seq = this.cursor + 1; seq <= this.o.log.lastSeq; seq += 1) {
      const ev = this.o.log.get(seq);
      if (ev && matchesTopic(this.o.topics, ev.topic)) snapshot.push(ev);
    }
    this.phase = 'live'; // nothing is pumped from the log: the snapshot is the replay
    setTimeout(() => {
      if (this.closed || this.closeReason !== undefined) return;
      for (const ev of snapshot) this.writeReplayed(ev);
      // THE DEFECT: subscribing at the head now skips what was committed during the query.
      this.cursor = this.o.log.lastSeq;
      this.subscribed = true;
    }, SNAPSHOT_QUERY_MS);
  }

  override onCommit(ev: StoredEvent): boolean {
    return this.subscribed && super.onCommit(ev);
  }
}

export const replayLiveRace: ZooMember = {
  name: 'replay-live-race',
  summary: 'reads the replay (~20 ms) before subscribing to live events: events in between are lost',
  defect:
    'A stream reads its replay snapshot asynchronously (about 20 ms, like a database query), writes it, and only ' +
    'then subscribes to live events, so events committed in between never reach that stream.',
  realWorld:
    '`const rows = await db.query("... WHERE id > $1", [lastEventId]); rows.forEach(send); bus.on("event", send)`: ' +
    'the classic history-then-subscribe race, instead of subscribing first and de-duplicating.',
  build: (options) =>
    createSseServer({ ...options, createStream: (o) => new SnapshotThenSubscribeStream(o) }),
};
