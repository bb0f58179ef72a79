import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'cloud-lb-idle-timeout',
  description:
    'Emulated cloud load balancer: an idle timeout (AWS ALB: 60 s by default; HTTP/2 PINGs do not reset it) in ' +
    'front of a server whose heartbeat is longer (90 s). Emulated by HAProxy timeouts, time-compressed to 60/90 ' +
    'of the heartbeat. Quiet streams are cut: the idle-cut SLO must catch it.',
  topology: { proxy: 'haproxy', profile: 'cloud-lb-idle-timeout' },
  workload: { ratePerSec: 1, durationMs: 4000 },
  slos: { 'latency-p99': 6000 },
  expect: { violates: ['no-idle-cuts'] },
});
