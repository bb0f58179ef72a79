import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'baseline',
  description:
    'A healthy deployment: the good nginx profile and no faults. Every other scenario is read against it; ' +
    'if this fails, the setup itself is broken (e.g. a buffering proxy in front of the stream).',
  workload: { ratePerSec: 40, durationMs: 3500 },
});
