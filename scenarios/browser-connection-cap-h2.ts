import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'browser-connection-cap-h2',
  description:
    'The same seven tabs of one browser, served over HTTP/2 (TLS): one connection multiplexes every stream, so ' +
    'all seven open and stream. The fix for browser-connection-cap, proven.',
  topology: { tls: true, http2: true },
  workload: { ratePerSec: 20, durationMs: 4000 },
  fleet: { count: 7, profiles: { chromium: 1 }, chromium: { perContext: 7 }, rampMs: 0 },
});
