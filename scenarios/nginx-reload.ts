import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'nginx-reload',
  description:
    'A config deploy: `nginx -s reload` while streams are open. Old workers must keep serving the open streams, new ' +
    'connections go to the new workers, nobody notices.',
  workload: { ratePerSec: 40, durationMs: 3500 },
  // The proxy reloads the config it runs (a user's own config too); every proxy kind can.
  faults: [{ at: 1200, duration: 0, action: 'nginx-reload' }],
});
