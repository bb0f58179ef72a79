import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'reconnect-storm',
  description:
    'Every client is cut at once (an edge proxy restart or a load balancer failover). With a fixed retry every ' +
    'client comes back in the same instant and the herd can take the origin down again; with jittered retry hints ' +
    'and backoff the reconnects spread out.',
  workload: { ratePerSec: 20, durationMs: 4500 },
  fleet: { count: 200, rampMs: 800 },
  faults: [{ at: 1000, duration: 300, action: 'cut', leg: 'edge', params: { mode: 'disable' } }],
});
