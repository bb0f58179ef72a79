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
  // With one instance, nginx answers 502 until the restart is ready (2-4 s here) and a browser EventSource
  // that comes back in that window gives up for good. That is the single-instance topology, not the server:
  // in production a second instance serves meanwhile. This scenario judges the shutdown and the replay.
  slos: { 'no-give-up': { enabled: false } },
});
