import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'slow-consumer',
  description:
    'A quarter of the clients sit behind a slow link (4 KB/s, far below the stream rate: a phone on a poor ' +
    'connection). Their backlog outgrows every buffer on the path, so the server feels it: it must queue for them ' +
    '(bounded) or cut them so they reconnect and are replayed, never skip events silently, and never slow down ' +
    'the others. They catch up after.',
  workload: { ratePerSec: 50, durationMs: 5000, payloadBytes: 4000 },
  faults: [{ at: 500, duration: 3500, action: 'bandwidth', fraction: 0.25, params: { rate: 4 } }],
  drainMs: 8000,
});
