import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'instance-failover',
  description:
    'One of two app instances behind the load balancer crashes (SIGKILL: a node lost, the OOM killer) while half ' +
    'the fleet is away (a network blip). Publishes went through both instances into the shared Redis log; the ' +
    "crashed instance's subscribers land on the other one, and the returning ones are replayed from the shared log: " +
    'nothing acknowledged is lost or duplicated, whichever instance replays it. The failover time is measured.',
  workload: { ratePerSec: 40, durationMs: 6000 },
  topology: { server: { log: 'redis', instances: 2 } },
  needs: ['instances', 'redis'],
  faults: [
    // Half the fleet is away from 300 ms to 3300 ms, while publishes go to both instances; instance-1 crashes in
    // between and stays down for a second, so the returning clients come back to whichever instance is up.
    { at: 300, duration: 3000, action: 'cut', fraction: 0.5, params: { mode: 'disable' } },
    { at: 1500, duration: 0, action: 'target-sigkill', params: { instance: 'instance-1', downMs: 1000 } },
  ],
});
