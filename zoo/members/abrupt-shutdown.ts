/** abrupt-shutdown: on SIGTERM open streams just die, with no end and no retry hint. */
import { createSseServer } from '../../server/app.ts';
import { StreamSession } from '../../server/stream.ts';
import type { ZooMember } from '../member.ts';

class AbandonedStream extends StreamSession {
  override shutdown(): void {
    // THE DEFECT: no retry hint, no orderly end: the connection is dropped, as when the process
    // exits under it. The log is still flushed and closed by the server's shutdown.
    this.cut('shutdown');
  }
}

export const abruptShutdown: ZooMember = {
  name: 'abrupt-shutdown',
  summary: 'on SIGTERM flushes the log and exits: open streams die without an end or a retry hint',
  defect:
    'On SIGTERM the server neither ends its streams nor sends a retry hint: it flushes and closes the log and ' +
    'exits, so every open connection just dies: no orderly end of stream, no spread of the reconnections.',
  realWorld:
    '`process.on("SIGTERM", () => process.exit(0))`, or no handler at all behind an orchestrator that sends ' +
    'SIGTERM on every deploy (Kubernetes, ECS, systemd).',
  build: (options) => createSseServer({ ...options, createStream: (o) => new AbandonedStream(o) }),
};
