import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'origin-partition',
  description:
    'The link between nginx and the app server goes silent (an overloaded node, a network partition inside the ' +
    'cluster): nginx keeps the client streams open but nothing arrives. Clients must detect the silence, reconnect, ' +
    'and be replayed every event published meanwhile.',
  workload: { ratePerSec: 40, durationMs: 4500 },
  fleet: { watchdogMultiple: 2.5 },
  faults: [{ at: 500, duration: 3000, action: 'blackhole', leg: 'origin' }],
});
