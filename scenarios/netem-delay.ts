import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'netem-delay',
  description:
    'Every packet from the app server is delayed 100 ms +- 30 ms with 25 % correlation (a long, jittery path: ' +
    'intercontinental, satellite), so packets of one stream overtake each other and TCP reorders them. Nothing ' +
    'may be lost or reordered at the event level. Needs the kernel netem qdisc.',
  workload: { ratePerSec: 40, durationMs: 7000 },
  topology: { netns: true },
  needs: ['netem'],
  faults: [
    { at: 2000, duration: 3000, action: 'netem', params: { delayMs: 100, jitterMs: 30, correlationPct: 25 } },
  ],
});
