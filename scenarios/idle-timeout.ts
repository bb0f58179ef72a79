import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'idle-timeout',
  description:
    'proxy_read_timeout shorter than the heartbeat interval (or a load balancer idle timeout, e.g. AWS ALB 60 s, ' +
    'with a 90 s heartbeat): quiet streams are cut by the proxy. The idle-cut SLO must catch it.',
  topology: { profile: 'short-read-timeout' },
  workload: { ratePerSec: 1, durationMs: 4000 },
  // Every cut delays the next events by a reconnect (<= retry + jitter): that is the cut's cost, judged
  // by no-idle-cuts; latency here is not steady state.
  slos: { 'latency-p99': 6000 },
  expect: { violates: ['no-idle-cuts'] },
});
