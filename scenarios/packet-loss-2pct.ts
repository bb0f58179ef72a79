import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'packet-loss-2pct',
  description:
    "2 % of the packets on the app server's link are lost for four seconds (a congested uplink, a flaky NIC, a " +
    'Wi-Fi hop). Nothing is cut: TCP retransmits, so nothing may be lost or reordered, but every lost segment costs ' +
    'a retransmission timeout (200 ms at least, doubling on each loss), so the latency tail grows far beyond the ' +
    'median: what a toxiproxy toxic (whole TCP reads and writes) cannot show.',
  workload: { ratePerSec: 40, durationMs: 8000 },
  topology: { netns: true },
  needs: ['netns'],
  faults: [{ at: 2000, duration: 4000, action: 'packet-loss', params: { percent: 2 } }],
});
