import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'crash-restart',
  description:
    'The app server crashes (SIGKILL: OOM killer, a segfault, a node lost) and is restarted on its durable event ' +
    'log. Nothing it acknowledged may be lost: reconnecting clients are replayed from the log.',
  workload: { ratePerSec: 40, durationMs: 6000 },
  topology: { server: { log: 'file' } },
  faults: [{ at: 500, duration: 0, action: 'target-sigkill' }],
  // With one instance, nginx answers 502 until the restart is ready (2-4 s here) and a browser EventSource
  // that comes back in that window gives up for good. That is the single-instance topology, not the server:
  // in production a second instance serves meanwhile. This scenario judges the log and the replay.
  slos: { 'no-give-up': { enabled: false } },
});
