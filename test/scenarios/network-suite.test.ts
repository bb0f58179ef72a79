/**
 * The network scenarios on the real stack: the target in its own network namespace, 2 % of its
 * packets lost for four seconds; nothing lost at the event level, the kernel's count of dropped
 * packets in the history, the in-fault latency tail measured, and the namespace gone after. netem
 * scenarios are skipped with the reason where the kernel has no netem. Needs root.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/runner.ts';
import { netemMissing, netnsMissing, ownerOf, parseNetnsList, sh } from '../../harness/topology/netns.ts';
import netemDelay from '../../scenarios/netem-delay.ts';
import packetLoss from '../../scenarios/packet-loss-2pct.ts';

const missing = await netnsMissing();

describe.skipIf(missing !== undefined)(
  `network scenarios (real stack)${missing ? `: needs ${missing}` : ''}`,
  () => {
    it('packet-loss-2pct: streams survive the loss, the kernel counted the drops, and nothing is left behind', async () => {
      const { result } = await runScenario(packetLoss, { runtime: 'local' });
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({ verdict: 'pass', asExpected: true });
      expect(result.measurements['faults.withoutEffect']).toBe(0);
      expect(result.measurements['latency.inFault.count']).toBeGreaterThan(1000);
      expect(result.measurements['delivery.silentGaps']).toBe(0);
      const ours = parseNetnsList(await sh('ip', ['netns', 'list'])).filter(
        (n) => ownerOf(n) === process.pid,
      );
      expect(ours).toEqual([]);
    }, 120_000);

    it('netem scenarios run where the kernel has netem, and are skipped with the reason where it has not', async () => {
      const why = await netemMissing();
      if (why === undefined) return; // this kernel has netem: the scenario runs in the suite
      const { result } = await runScenario(netemDelay, { runtime: 'local' });
      expect(result).toMatchObject({
        verdict: 'skipped',
        asExpected: true,
        skipped: { needs: ['netem'], reason: `needs ${why}` },
      });
    }, 60_000);
  },
);
