import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'concurrent-publishers',
  description:
    'Several producers publish at once (independent services emitting events) while part of the fleet ' +
    'reconnects: live subscribers and replaying subscribers must see events in the one order the server committed ' +
    'them, each exactly once.',
  workload: { ratePerSec: 120, durationMs: 4000, publishers: 4 },
  faults: [{ at: 1000, duration: 500, action: 'cut', fraction: 0.5, params: { mode: 'disable' } }],
});
