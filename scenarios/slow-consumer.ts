import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'slow-consumer',
  description:
    'A tenth of the clients follow a feed of large snapshots (160 KB each) behind a slow link (4 KB/s: a phone on a ' +
    'poor connection). Their backlog outgrows every socket buffer on the path (megabytes on each hop), so the ' +
    'server itself feels it: it must queue for them (bounded) or cut them so they reconnect and are replayed, never ' +
    'skip events silently, and never slow down the others. They catch up after.',
  workload: {
    ratePerSec: 80,
    durationMs: 5000,
    topics: ['t1', 'bulk'],
    payloadBytesByTopic: { bulk: 160_000 },
  },
  fleet: { topics: ['t1'], fractionTopics: ['t1', 'bulk'] },
  faults: [{ at: 0, duration: 4000, action: 'bandwidth', fraction: 0.1, params: { rate: 4 } }],
  drainMs: 8000,
});
