import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'haproxy-tunnel-timeout',
  description:
    'The common advice for SSE behind HAProxy, `timeout tunnel 1h`, with `timeout server`/`timeout client` below ' +
    'the heartbeat: `timeout tunnel` applies only after an upgrade (WebSocket), never to an SSE response, so ' +
    'quiet streams are still cut. The idle-cut SLO must catch it.',
  topology: { proxy: 'haproxy', profile: 'tunnel-timeout' },
  workload: { ratePerSec: 1, durationMs: 4000 },
  // Every cut delays the next events by a reconnect: that is the cut's cost, judged by no-idle-cuts.
  slos: { 'latency-p99': 6000 },
  expect: { violates: ['no-idle-cuts'] },
});
