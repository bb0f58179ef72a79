/** reset-always: every resume is answered with an "expired" reset, although the events are there. */
import { createSseServer } from '../../server/app.ts';
import { resolveResume } from '../../server/resume.ts';
import type { ZooMember } from '../member.ts';

export const resetAlways: ZooMember = {
  name: 'reset-always',
  summary: 'answers every Last-Event-ID with reset "expired" and continues live, though it holds the events',
  defect:
    'Every request that carries a Last-Event-ID gets `event: reset` (reason "expired") and continues live from the ' +
    'head, although the events after that id are still retained: gaps are declared, never filled.',
  realWorld:
    'Servers whose replay never works in production (a cache keyed per instance behind a load balancer, a ' +
    'retention check with the wrong unit or clock) and who fall back to "tell the client to resync" for every resume.',
  build: (options) =>
    createSseServer({
      ...options,
      resolveResume: (requested, log) => {
        if (requested === undefined || requested === '') return resolveResume(requested, log);
        // THE DEFECT: any id is "expired"; the stream continues from the head, not the window.
        return {
          kind: 'reset',
          reason: 'expired',
          afterSeq: log.lastSeq,
          requested,
          earliestId: log.firstSeq <= log.lastSeq ? log.positionId(log.firstSeq) : null,
        };
      },
    }),
};
