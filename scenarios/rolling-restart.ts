import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'rolling-restart',
  description:
    'A rolling deploy of two app instances on a shared Redis log: each is drained in turn (SIGTERM: its streams end ' +
    'with a jittered retry hint), restarted, and back before the next one goes. Its subscribers move to the other ' +
    'instance and resume from the shared log: nothing lost, nothing duplicated, every stream of a draining instance ' +
    'ended in its grace period.',
  workload: { ratePerSec: 40, durationMs: 9000 },
  topology: { server: { log: 'redis', instances: 2, extraArgs: ['--shutdown-jitter-ms', '1000'] } },
  needs: ['instances', 'redis'],
  faults: [
    { at: 500, duration: 0, action: 'target-sigterm', params: { instance: 'instance-1' } },
    { at: 5500, duration: 0, action: 'target-sigterm', params: { instance: 'instance-2' } },
  ],
});
