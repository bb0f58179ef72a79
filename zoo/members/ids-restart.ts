/** ids-restart: per-process counters as ids, and an id beyond the head taken at its word. */
import { createSseServer } from '../../server/app.ts';
import type { EventLog } from '../../server/event-log.ts';
import { formatPosition } from '../../server/ids.ts';
import { createMemoryLog } from '../../server/memory-log.ts';
import { resolveResume, type Resume } from '../../server/resume.ts';
import type { ZooMember } from '../member.ts';

const COUNTER = /^\d{1,15}$/;

/**
 * Resume for counter ids: the reference server's decision (asked in its own id form, answered in
 * counter ids), except for an id beyond the head.
 */
export function resolveCounterResume(requested: string | undefined, log: EventLog): Resume {
  const seq = requested !== undefined && COUNTER.test(requested) ? Number(requested) : undefined;
  // THE DEFECT: nothing says which process issued the id, so one beyond the head (handed out by a
  // previous process) is "resume after it": no replay, no reset, and every new event numbered at
  // or below it is skipped.
  if (seq !== undefined && seq > log.lastSeq) return { kind: 'replay', afterSeq: seq };
  const resume = resolveResume(seq === undefined ? requested : formatPosition(log.epoch, seq), log);
  if (resume.kind !== 'reset') return resume;
  return {
    ...resume,
    requested: requested ?? resume.requested,
    earliestId: resume.earliestId === null ? null : log.positionId(log.firstSeq),
  };
}

export const idsRestart: ZooMember = {
  name: 'ids-restart',
  summary: 'ids are a per-process counter from 1; after a restart, old ids silently skip new events',
  defect:
    'Ids are plain integers counting from 1 in each process (memory ring), and a Last-Event-ID beyond the head is ' +
    'treated as "resume after it" with no replay and no reset. After a restart, a client holding id N silently ' +
    'misses the new events 1..N.',
  realWorld:
    'Servers that use an in-memory counter (`let id = 0; ... id: ${++id}`) as the event id and compare ' +
    'Last-Event-ID numerically, common in hand-written Express/Flask SSE handlers and chat examples.',
  build: (options) =>
    createSseServer({
      ...options,
      openLog: (config) =>
        Promise.resolve(
          createMemoryLog({ retention: config.logRetention, formatPosition: (_epoch, seq) => String(seq) }),
        ),
      resolveResume: resolveCounterResume,
    }),
};
