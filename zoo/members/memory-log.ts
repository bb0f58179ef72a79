/** memory-log: acknowledges from memory whatever `--log` says. */
import { createSseServer } from '../../server/app.ts';
import { createMemoryLog } from '../../server/memory-log.ts';
import type { ZooMember } from '../member.ts';

export const memoryLog: ZooMember = {
  name: 'memory-log',
  summary: 'keeps events only in memory, even with --log file: a crash loses every acknowledged event',
  defect:
    'The event log is always the in-memory ring, whatever --log says, so a publish is acknowledged once it is in memory. ' +
    'A SIGKILL loses every acknowledged event, and the restarted process starts a new log with a new epoch.',
  realWorld:
    'SSE endpoints that keep history in a process-local array or EventEmitter (the usual tutorial design), ' +
    'or a durable-store setting that is read but never wired in, so the "persistent" deployment acks from RAM.',
  build: (options) =>
    createSseServer({
      ...options,
      // THE DEFECT: the configured log (file journal) is never opened.
      openLog: (config) => Promise.resolve(createMemoryLog({ retention: config.logRetention })),
    }),
};
