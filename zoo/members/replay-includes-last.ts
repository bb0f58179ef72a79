/** replay-includes-last: replay starts at the Last-Event-ID event instead of after it. */
import { createSseServer } from '../../server/app.ts';
import { resolveResume } from '../../server/resume.ts';
import type { ZooMember } from '../member.ts';

export const replayIncludesLast: ZooMember = {
  name: 'replay-includes-last',
  summary: 'replays from the Last-Event-ID event itself (inclusive): every resume duplicates one event',
  defect:
    'Replay starts AT the event named by Last-Event-ID instead of strictly after it, so every resume delivers ' +
    'that event a second time.',
  realWorld:
    'An off-by-one in the replay query: `WHERE id >= $lastEventId` (or XRANGE/XREAD from the given id ' +
    'inclusive) instead of `>`.',
  build: (options) =>
    createSseServer({
      ...options,
      resolveResume: (requested, log) => {
        const resume = resolveResume(requested, log);
        if (resume.kind !== 'replay') return resume;
        // THE DEFECT: one step back (never before the retained window, which has nothing to send).
        return { kind: 'replay', afterSeq: Math.max(resume.afterSeq - 1, log.firstSeq - 1) };
      },
    }),
};
