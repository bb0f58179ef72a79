import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'redis-restart',
  description:
    'The Redis behind two app instances restarts (a managed failover, an upgrade: down for a second and a half, ' +
    'its data kept on disk). While it is down publishes must fail cleanly (503, never an acknowledgement for an ' +
    'event that is not stored), open streams must stay open (or end with a declared reset), and once it is back ' +
    'every acknowledged event reaches every subscriber exactly once.',
  workload: { ratePerSec: 40, durationMs: 6000 },
  topology: {
    server: { log: 'redis', instances: 2, redisPersistence: 'aof-always', redisTimeoutMs: 500 },
  },
  needs: ['instances', 'redis'],
  faults: [{ at: 1000, duration: 0, action: 'redis-restart', params: { downMs: 1500 } }],
});
