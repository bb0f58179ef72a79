import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'proxy-buffering',
  description:
    'The most common SSE-behind-nginx incident: proxy_buffering on with an HTTP/1.0 upstream (the nginx default ' +
    'before 1.29.7). Nothing arrives until ~4 KiB accumulated, then a burst; the tail of the stream (and every ' +
    'heartbeat) waits in the buffer for more data. The buffering detectors must catch it.',
  topology: { profile: 'buffered-http10' },
  workload: { ratePerSec: 40, durationMs: 4000 },
  // Long enough that the held-back tail is unambiguous: the last events never arrive and the stream stays
  // silent well beyond the heartbeat-silence budget (2.5 heartbeats).
  drainMs: 4500,
  expect: { violates: ['no-proxy-buffering', 'time-to-first-byte', 'heartbeat-silence', 'no-silent-loss'] },
});
