import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'crash-restart',
  description:
    'The app server crashes (SIGKILL: OOM killer, a segfault, a node lost) while half the clients are away (a ' +
    'network blip). Events it acknowledged before the crash must survive it: the returning clients are replayed ' +
    'from the durable log after the restart, nothing acknowledged is lost or reset away.',
  workload: { ratePerSec: 40, durationMs: 6000 },
  topology: { server: { log: 'file' } },
  needs: ['durable'],
  faults: [
    // Half the fleet is away from 300 ms to 3300 ms; the target crashes in between, so what it acknowledged
    // while they were away exists only in its log when they come back.
    { at: 300, duration: 3000, action: 'cut', fraction: 0.5, params: { mode: 'disable' } },
    { at: 1500, duration: 0, action: 'target-sigkill' },
  ],
  // While the target restarts nginx would answer 502; the good profile turns that into a jittered retry
  // hint for event streams, so no browser EventSource gives up (browser-give-up shows what happens without it).
});
