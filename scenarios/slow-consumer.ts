import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'slow-consumer',
  description:
    'A quarter of the clients sit behind a slow link (2 KB/s, below the stream rate: a phone on a poor connection). ' +
    'They fall behind while it lasts; the server must not let them slow down everyone else, and they catch up after.',
  workload: { ratePerSec: 40, durationMs: 4000 },
  faults: [{ at: 800, duration: 2500, action: 'bandwidth', fraction: 0.25, params: { rate: 2 } }],
});
