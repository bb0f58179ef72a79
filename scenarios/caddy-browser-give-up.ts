import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'caddy-browser-give-up',
  description:
    'The app server crashes and restarts behind a Caddy that passes its 502/503 to event-stream clients ' +
    '(profile bare-errors: no SSE error page). A browser EventSource treats any non-200 as fatal, so every ' +
    'browser that reconnects during the restart stops for good: the no-give-up SLO must catch it.',
  topology: { proxy: 'caddy', profile: 'bare-errors', server: { log: 'file' } },
  workload: { ratePerSec: 40, durationMs: 7000 },
  // As browser-give-up (nginx): the target stays down 1 s before its restart; with the good profile the same
  // run passes, the proxy answering those reconnects with 200 + retry.
  faults: [{ at: 500, duration: 0, action: 'target-sigkill', params: { downMs: 1000 } }],
  expect: { violates: ['no-give-up'] },
});
