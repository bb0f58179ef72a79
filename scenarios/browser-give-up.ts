import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'browser-give-up',
  description:
    'The app server crashes and restarts behind an nginx that passes its 502 to event-stream clients ' +
    '(profile bare-errors: no SSE error page). A browser EventSource treats any non-200 as fatal, so every ' +
    'browser that reconnects during the restart stops for good: the no-give-up SLO must catch it.',
  topology: { profile: 'bare-errors', server: { log: 'file' } },
  workload: { ratePerSec: 40, durationMs: 7000 },
  // The target stays down 1 s before its restart (a supervisor's restart delay): with the boot the outage
  // is ~2-3 s, so browsers whose retry (1-3 s) ends inside it get 502 and stop. With `--profile good` the
  // same run passes: nginx answers those reconnects with 200 + retry instead, and nobody gives up.
  // The workload outlasts the outage plus the fault settle time, so recovery is judged too.
  faults: [{ at: 500, duration: 0, action: 'target-sigkill', params: { downMs: 1000 } }],
  expect: { violates: ['no-give-up'] },
});
