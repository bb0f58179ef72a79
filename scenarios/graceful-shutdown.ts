import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'graceful-shutdown',
  description:
    'A deploy: the app server gets SIGTERM and is replaced. Every stream must end within the grace period with a ' +
    'jittered retry hint, and after the restart every acknowledged event is replayed (rolling deploys dropping ' +
    'events is a classic SSE incident).',
  workload: { ratePerSec: 40, durationMs: 6000 },
  topology: { server: { log: 'file', extraArgs: ['--shutdown-jitter-ms', '3000'] } },
  faults: [{ at: 500, duration: 0, action: 'target-sigterm' }],
  // While the target restarts (2-4 s here) nginx would answer 502 (and the draining server 503); the good
  // profile turns those into a jittered retry hint for event streams, so no browser EventSource gives up
  // (browser-give-up shows what happens without it).
});
