import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'edge-latency',
  description:
    'Clients on a slow, jittery network (a congested mobile link or a far-away region): 150 ms +- 50 ms added on ' +
    'the client leg. Streams must stay open, in order and complete; latency rises only by the added delay.',
  workload: { ratePerSec: 40, durationMs: 3500 },
  faults: [{ at: 700, duration: 2000, action: 'latency', leg: 'edge', params: { latency: 150, jitter: 50 } }],
});
