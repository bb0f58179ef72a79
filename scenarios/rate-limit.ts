import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'rate-limit',
  description:
    "The app server's link is capped below what its streams need (a shaped uplink, a saturated NAT gateway: tbf at " +
    '2 Mbit/s, with a 400 ms queue) for three seconds. Events queue in the kernel and the socket buffers, then the ' +
    'queue drops and TCP backs off: latency climbs to seconds, yet nothing may be lost or reordered, and the fleet ' +
    'catches up once the link is free.',
  workload: { ratePerSec: 40, durationMs: 8000 },
  topology: { netns: true },
  needs: ['netns'],
  faults: [{ at: 2000, duration: 3000, action: 'rate-limit', params: { kbit: 2000 } }],
});
