import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'haproxy-short-timeouts',
  description:
    'HAProxy with `timeout server` and `timeout client` shorter than the heartbeat (the defaults many configs ' +
    'copy are 30-50 s, below a 60 s heartbeat): HAProxy cuts every quiet stream. The idle-cut SLO must catch it.',
  topology: { proxy: 'haproxy', profile: 'short-timeouts' },
  workload: { ratePerSec: 1, durationMs: 4000 },
  // Every cut delays the next events by a reconnect: that is the cut's cost, judged by no-idle-cuts.
  slos: { 'latency-p99': 6000 },
  expect: { violates: ['no-idle-cuts'] },
});
