import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'haproxy-delayed-writes',
  description:
    'HAProxy without `option http-no-delay` (its default): the small writes of an event stream are coalesced, so ' +
    'events published apart arrive together in bursts. The buffering detector must catch it.',
  topology: { proxy: 'haproxy', profile: 'delayed-writes' },
  workload: { ratePerSec: 40, durationMs: 4000 },
  expect: { violates: ['no-proxy-buffering'] },
});
