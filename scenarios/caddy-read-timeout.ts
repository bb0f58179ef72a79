import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'caddy-read-timeout',
  description:
    "Caddy's reverse_proxy with a transport `read_timeout` shorter than the heartbeat: a stream whose upstream " +
    'stays quiet that long ends, and the client sees a clean end of the response, not an error. The idle-cut ' +
    'SLO must catch it.',
  topology: { proxy: 'caddy', profile: 'read-timeout' },
  workload: { ratePerSec: 1, durationMs: 4000 },
  // Every cut delays the next events by a reconnect: that is the cut's cost, judged by no-idle-cuts.
  slos: { 'latency-p99': 6000 },
  expect: { violates: ['no-idle-cuts'] },
});
