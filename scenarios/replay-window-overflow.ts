import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'replay-window-overflow',
  description:
    'Half the clients are away longer than the server keeps events (a laptop lid closed, a train tunnel). On ' +
    'return the server cannot replay; it must say so (`event: reset`) so the client can refetch state, never ' +
    'resume silently past the gap. The outage is planned from the retention the target declares.',
  workload: { ratePerSec: 40, durationMs: 4500 },
  // For the reference server: keep 40 events, so the outage is about a second and a half.
  topology: { server: { logRetention: 40 } },
  faults: [
    { at: 800, duration: 'past-retention', action: 'cut', fraction: 0.5, params: { mode: 'disable' } },
  ],
});
