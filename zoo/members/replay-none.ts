/** replay-none: every connection starts live at the head. */
import { createSseServer } from '../../server/app.ts';
import { resolveResume } from '../../server/resume.ts';
import type { ZooMember } from '../member.ts';

export const replayNone: ZooMember = {
  name: 'replay-none',
  summary: 'ignores Last-Event-ID: every connection is live-only from the head, silently',
  defect:
    'Last-Event-ID is ignored: every connection is treated as a new one and streams live from the head, with ' +
    'no replay and no reset, so whatever was published while a client was reconnecting is silently lost to it.',
  realWorld:
    'Pub/sub fan-out with no history (an EventEmitter, Redis PUBLISH/SUBSCRIBE, a message bus topic without ' +
    'replay) behind an SSE endpoint that emits ids but never reads Last-Event-ID.',
  build: (options) =>
    createSseServer({
      ...options,
      // THE DEFECT: resolved as if no id had been sent.
      resolveResume: (_requested, log) => resolveResume(undefined, log),
    }),
};
