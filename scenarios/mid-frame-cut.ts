import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'mid-frame-cut',
  description:
    'Streams cut in the middle of an event (a load balancer or proxy dropping a connection mid-write, a byte limit ' +
    'on a tunnel): the partial event must be discarded, never dispatched, and resent after the reconnect.',
  workload: { ratePerSec: 40, durationMs: 3500 },
  faults: [{ at: 1000, duration: 400, action: 'limit-data', leg: 'edge', params: { bytes: 1100 } }],
});
