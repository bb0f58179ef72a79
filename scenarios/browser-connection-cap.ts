import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'browser-connection-cap',
  description:
    'A user opens the live page in seven tabs of one browser, served over HTTP/1.1. A browser opens at most 6 ' +
    "connections per origin across all its tabs and an EventSource holds one for ever, so the seventh tab's " +
    'stream waits for a socket with no error at all: no-queued-streams must catch it (and the seventh never opens).',
  workload: { ratePerSec: 20, durationMs: 4000 },
  fleet: { count: 7, profiles: { chromium: 1 }, chromium: { perContext: 7 }, rampMs: 0 },
  expect: { violates: ['no-queued-streams', 'subscribers-opened'] },
});
