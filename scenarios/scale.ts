import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'scale',
  description:
    'A large fan-out: 10,000 subscribers through the whole stack (a live-score or notification service at peak). ' +
    'Used by the benchmarks; not in the default suite (it needs tens of seconds and most of the machine).',
  topology: {
    // Each proxied stream costs nginx two connections.
    profileParams: { workerConnections: 25_000 },
    server: { heartbeatMs: 2000 },
  },
  workload: { ratePerSec: 5, durationMs: 10_000, payloadBytes: 100 },
  fleet: { count: 10_000, rampMs: 10_000, watchdogMultiple: 4 },
  settleMs: 1000,
  drainMs: 10_000,
  tags: ['scale'],
});
