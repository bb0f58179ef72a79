import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'h2-connection-cut',
  description:
    'Over HTTP/2 a browser multiplexes every stream to an origin on one connection. A middlebox cuts that one ' +
    'connection in the middle of a frame (a byte limit on a tunnel, a load balancer dropping it): every stream ' +
    'on it ends in the same instant, a mass cut from a single connection. Each must discard its partial event, ' +
    'resume with its Last-Event-ID and lose nothing, and jittered retry hints must keep them from coming back ' +
    'as a herd. Real Chromium and the browser model ride it side by side.',
  topology: { tls: true, http2: true },
  workload: { ratePerSec: 40, durationMs: 3500 },
  fleet: { count: 40, profiles: { browser: 1, chromium: 1 } },
  faults: [{ at: 1000, duration: 400, action: 'limit-data', leg: 'edge', params: { bytes: 1100 } }],
});
