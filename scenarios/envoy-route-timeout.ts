import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'envoy-route-timeout',
  description:
    'Emulated Envoy: its default route timeout (15 s unless the route sets `timeout: 0s`) ends every stream at a ' +
    "fixed age. Emulated by Caddy's server write timeout, time-compressed to 1.5 heartbeats (a 15 s deadline on a " +
    'stream with a 10 s heartbeat). The age-cut SLO must catch it.',
  topology: { proxy: 'caddy', profile: 'envoy-route-timeout' },
  workload: { ratePerSec: 1, durationMs: 6000 },
  slos: { 'latency-p99': 6000 },
  expect: { violates: ['no-age-cuts'] },
});
