/** slow-client-skip: a backed-up stream drops live events instead of queueing them or cutting. */
import { createSseServer } from '../../server/app.ts';
import { StreamSession } from '../../server/stream.ts';
import type { ZooMember } from '../member.ts';

class SkippingStream extends StreamSession {
  protected override holdWhileBackedUp(): void {
    // THE DEFECT: the event is dropped (the cursor already moved past it); nothing is queued, the
    // client is not cut, and the stream goes on with later events once the socket drains.
  }
}

export const slowClientSkip: ZooMember = {
  name: 'slow-client-skip',
  summary: 'silently drops live events for a client whose socket is backed up, and keeps streaming',
  defect:
    "When a stream's socket is backed up (res.write() returned false), live events for that client are dropped " +
    'instead of queued (or the client cut); once the socket drains the stream continues with later events, so the ' +
    'client never learns it has a gap.',
  realWorld:
    'Broadcast loops that skip "busy" clients to protect the others (a `if (!res.write(...)) continue`, a bounded ' +
    'channel with a non-blocking send that drops on full, as in many Go SSE brokers) without closing the stream.',
  build: (options) => createSseServer({ ...options, createStream: (o) => new SkippingStream(o) }),
};
