import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'cdn-compression',
  description:
    'Emulated CDN or compression middleware that compresses text/event-stream itself (the origin is asked for ' +
    'identity, the edge compresses): events wait in the compressor until the next write. Emulated by HAProxy ' +
    'compression offload. The latency SLOs must catch it.',
  topology: { proxy: 'haproxy', profile: 'cdn-compression' },
  workload: { ratePerSec: 2, durationMs: 4000 },
  // A live feed's budget: a healthy path delivers in a few ms; the compressor holds each event until the next
  // write (an event or a heartbeat), hundreds of ms here, up to a heartbeat in production.
  slos: { 'latency-p99': 300 },
  expect: { violates: ['latency-p99'] },
});
