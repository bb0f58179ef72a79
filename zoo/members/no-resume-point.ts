/** no-resume-point: fresh streams are not told where they start. */
import { createSseServer } from '../../server/app.ts';
import { StreamSession } from '../../server/stream.ts';
import type { ZooMember } from '../member.ts';

class UnanchoredStream extends StreamSession {
  protected override sendResumePoint(): void {
    // THE DEFECT: no id-only block; the client has no last event id until its first event.
  }
}

export const noResumePoint: ZooMember = {
  name: 'no-resume-point',
  summary: 'sends no id-only resume point to fresh streams: a cut before the first event loses events',
  defect:
    'A stream that starts without a usable Last-Event-ID gets no id-only block naming its start position, so a ' +
    'client cut before its first event reconnects without an id and silently misses what was published meanwhile.',
  realWorld:
    'Nearly every SSE server: ids are sent only on events, so a subscriber on a quiet channel has nothing to resume ' +
    'from after a network blip.',
  build: (options) => createSseServer({ ...options, createStream: (o) => new UnanchoredStream(o) }),
};
