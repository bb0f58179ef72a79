/** Publish: what the workload attempted and what the target acknowledged (the evidence every delivery verdict rests on). */
import { asArray, type Check } from './check.ts';
import { publishes } from './publishes.ts';

export const publish: Check = {
  name: 'publish',
  description: 'publishes attempted, acknowledged and refused; acknowledged ids that repeat',
  run(history) {
    const p = publishes(asArray(history));
    return {
      'publish.attempted': p.seq.length + p.failed,
      'publish.acknowledged': p.seq.length,
      'publish.failed': p.failed,
      'publish.repeatedIds': p.repeatedIds,
    };
  },
};
