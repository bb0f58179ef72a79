/** replay-all: every connection replays the whole retained log. */
import { createSseServer } from '../../server/app.ts';
import type { ZooMember } from '../member.ts';

export const replayAll: ZooMember = {
  name: 'replay-all',
  summary: 'ignores Last-Event-ID and replays the whole retained log on every connection',
  defect:
    'Last-Event-ID is ignored: every connection, with or without it, is sent the whole retained log before ' +
    'going live, so each reconnect re-delivers everything the client already had.',
  realWorld:
    'Handlers that send "the history" on connect (a chat backlog, a Redis list or stream read from the ' +
    'start) and never read the Last-Event-ID header.',
  build: (options) =>
    createSseServer({
      ...options,
      // THE DEFECT: the requested id is not looked at. The stream starts (and its resume point says
      // so, as for any fresh stream) before the earliest retained event.
      resolveResume: (_requested, log) => ({ kind: 'live', afterSeq: log.firstSeq - 1 }),
    }),
};
