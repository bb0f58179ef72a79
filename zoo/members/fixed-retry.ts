/** fixed-retry: one hard-coded `retry:` for every stream and every shutdown hint. */
import { createSseServer } from '../../server/app.ts';
import type { ZooMember } from '../member.ts';

export const fixedRetry: ZooMember = {
  name: 'fixed-retry',
  summary: 'sends the same retry: (the base, no jitter) on every stream and at shutdown',
  defect:
    'Every stream and every shutdown hint gets exactly the base reconnection time (--retry-ms), with no jitter. ' +
    'Clients cut together (a deploy, a load-balancer failover) all come back at the same moment: a reconnect storm.',
  realWorld:
    'Handlers that write a literal `retry: 3000` (copied from MDN and most SSE tutorials), or rely on the ' +
    "browser's fixed default, so a restart sends the whole fleet back in one wave.",
  build: (options) =>
    createSseServer({
      ...options,
      // THE DEFECT: the jitter flags are ignored.
      retryJitterMs: 0,
      shutdownJitterMs: 0,
    }),
};
