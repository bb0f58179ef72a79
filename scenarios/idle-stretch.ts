import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'idle-stretch',
  description:
    'A quiet period longer than the proxy read timeout (a chat at night, a dashboard between updates): only ' +
    'heartbeats keep the streams alive through nginx. A server without heartbeats has every idle stream cut.',
  // nginx cuts a stream after 3 heartbeat intervals of silence (a realistic ratio: 60 s timeout, 15-20 s
  // heartbeat); the clients' own watchdog waits longer, so the proxy's cut is what shows.
  topology: { profileParams: { readTimeoutMs: 3000 } },
  fleet: { watchdogMultiple: 6 },
  workload: { ratePerSec: 20, durationMs: 8000, pauses: [{ at: 1500, duration: 5000 }] },
});
