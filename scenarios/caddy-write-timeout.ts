import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'caddy-write-timeout',
  description:
    'Caddy with a server `timeouts { write }` (set to stop slow clients): a deadline on the whole response, so ' +
    'every stream is cut at the same age however busy it is, and heartbeats do not help. The age-cut SLO must ' +
    'catch it, and not mistake it for an idle timeout.',
  topology: { proxy: 'caddy', profile: 'write-timeout' },
  workload: { ratePerSec: 1, durationMs: 9000 },
  // Every cut delays the next events by a reconnect: that is the cut's cost, judged by no-age-cuts.
  slos: { 'latency-p99': 6000 },
  expect: { violates: ['no-age-cuts'] },
});
