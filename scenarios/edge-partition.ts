import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'edge-partition',
  description:
    'A silent partition on the client side longer than the idle watchdog: a NAT or stateful firewall forgets the ' +
    'flow and drops packets without a reset (mobile handover, idle NAT expiry). Heartbeats stop arriving, the ' +
    'client must notice by itself, reconnect with Last-Event-ID, and lose nothing.',
  workload: { ratePerSec: 40, durationMs: 4500 },
  fleet: { watchdogMultiple: 2.5 },
  faults: [{ at: 500, duration: 3000, action: 'blackhole', leg: 'edge' }],
});
