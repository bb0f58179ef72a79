import { defineScenario } from '../harness/run/scenario.ts';

/**
 * 10,000 subscribers through edge toxiproxy -> nginx -> origin toxiproxy -> the target on one
 * machine. The open-file limit binds per process (toxiproxy holds 4 descriptors per stream, an nginx
 * worker 2), so the runner lays the stack out for it: several toxiproxy-server processes (every leg
 * on each), nginx workers sized for their share, the fleet in one process per core, their records
 * merged on one clock. Gentle on purpose: connects ramp at 500/s (every new stream is a handshake on
 * each hop), and 1 event/s with a heartbeat every 5 s is already 10,000 deliveries and 2,000
 * heartbeats a second: the target writes each publish to 10,000 sockets before it acknowledges the
 * next, which on a shared 2-core machine takes most of a second.
 */
export default defineScenario({
  name: 'scale',
  description:
    'A large fan-out: 10,000 subscribers through the whole stack (a live-score or notification service at peak). ' +
    'Not in the default suite: it needs about a minute and most of the machine.',
  topology: {
    // Each proxied stream costs nginx two connections (per worker when the layout uses several).
    profileParams: { workerConnections: 25_000 },
    server: { heartbeatMs: 5000 },
  },
  workload: { ratePerSec: 1, durationMs: 30_000, payloadBytes: 100 },
  fleet: { count: 10_000, rampMs: 20_000, watchdogMultiple: 4 },
  settleMs: 2000,
  drainMs: 15_000,
  tags: ['scale'],
});
