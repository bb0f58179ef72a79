import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'haproxy-compression',
  description:
    'HAProxy with `compression type text/event-stream`: for clients that accept gzip (every browser), the tail of ' +
    'each event waits in the compressor until the next write, so events arrive up to a heartbeat late. The ' +
    'latency SLOs must catch it.',
  topology: { proxy: 'haproxy', profile: 'compression' },
  workload: { ratePerSec: 2, durationMs: 4000 },
  // A live feed's budget: a healthy path delivers in a few ms; the compressor holds each event until the next
  // write (an event or a heartbeat), hundreds of ms here, up to a heartbeat in production.
  slos: { 'latency-p99': 300 },
  expect: { violates: ['latency-p99'] },
});
