import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'crash-restart',
  description:
    'The app server crashes (SIGKILL: OOM killer, a segfault, a node lost) and is restarted on its durable event ' +
    'log. Nothing it acknowledged may be lost: reconnecting clients are replayed from the log.',
  workload: { ratePerSec: 40, durationMs: 6000 },
  topology: { server: { log: 'file' } },
  faults: [{ at: 500, duration: 0, action: 'target-sigkill' }],
  // While the target restarts (2-4 s here) nginx would answer 502 (and the draining server 503); the good
  // profile turns those into a jittered retry hint for event streams, so no browser EventSource gives up
  // (browser-give-up shows what happens without it).
});
