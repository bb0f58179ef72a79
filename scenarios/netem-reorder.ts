import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'netem-reorder',
  description:
    'Packets from the app server are reordered (25 %), duplicated (1 %) and corrupted (0.1 %) on a 10 ms path (a ' +
    'misbehaving load balancer, bonded links, a bad cable). TCP must hide all of it: events arrive once, whole and ' +
    'in order. Needs the kernel netem qdisc.',
  workload: { ratePerSec: 40, durationMs: 7000 },
  topology: { netns: true },
  needs: ['netem'],
  faults: [
    {
      at: 2000,
      duration: 3000,
      action: 'netem',
      params: { delayMs: 10, reorderPct: 25, duplicatePct: 1, corruptPct: 0.1 },
    },
  ],
});
