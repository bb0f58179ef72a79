import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'replay-window-overflow',
  description:
    'Half the clients are away longer than the server keeps events (a laptop lid closed, a train tunnel; the replay ' +
    'log holds 40 events, they miss ~100). On return the server cannot replay; it must say so (`event: reset`) so the ' +
    'client can refetch state, never resume silently past the gap.',
  workload: { ratePerSec: 40, durationMs: 4500 },
  topology: { server: { logRetention: 40 } },
  faults: [{ at: 800, duration: 2500, action: 'cut', fraction: 0.5, params: { mode: 'disable' } }],
});
