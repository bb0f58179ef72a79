import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'redis-partition',
  description:
    'The network between two app instances and their Redis drops everything for two seconds, both ways (a ' +
    'partition: no error, no reset, just silence). Appends time out: publishes must be answered 503 (not ' +
    'acknowledged) rather than acknowledged and lost, open streams stay open on heartbeats, and after the partition ' +
    'every acknowledged event reaches every subscriber exactly once.',
  workload: { ratePerSec: 40, durationMs: 6000 },
  topology: { server: { log: 'redis', instances: 2, redisTimeoutMs: 500 } },
  needs: ['instances', 'redis'],
  faults: [{ at: 1000, duration: 2000, action: 'blackhole', leg: 'redis', params: { direction: 'both' } }],
});
