/** The tiny fixture SSE server as a `command` target (fast to start, independent of server/). */
import { fileURLToPath } from 'node:url';
import { parseTarget, type TargetSpec } from '../../../harness/topology/target.ts';

export const fixtureServer = fileURLToPath(new URL('../fixtures/sse-server.mjs', import.meta.url));

export function fixtureTarget(heartbeatMs = 1000): TargetSpec {
  return parseTarget({
    kind: 'command',
    command: [process.execPath, fixtureServer, '--port', '{port}', '--heartbeat-ms', String(heartbeatMs)],
    readyPath: '/readyz',
    streamPath: '/events',
    publish: { path: '/publish' },
  });
}
