import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'cdn-idle-timeout',
  description:
    'Emulated CDN: a 100 s timeout without data from the origin (Cloudflare: 524 before headers, a cut after) on ' +
    'streams whose heartbeat is longer (120 s). Emulated by HAProxy timeouts, time-compressed to 100/120 of the ' +
    'heartbeat. Quiet streams are cut: the idle-cut SLO must catch it.',
  topology: { proxy: 'haproxy', profile: 'cdn-idle-timeout' },
  // Events between heartbeats keep the gaps below the timeout; the quiet stretch leaves only heartbeats.
  workload: { ratePerSec: 2, durationMs: 7000, pauses: [{ at: 2000, duration: 2500 }] },
  slos: { 'latency-p99': 6000 },
  expect: { violates: ['no-idle-cuts'] },
});
