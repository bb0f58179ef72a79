/**
 * The cluster scenarios on the real stack (two instances behind nginx on a redis-server the stack
 * starts): the reference server fails over without a loss, the failover is measured and named, and
 * each Redis zoo member is caught by its scenario with its cause named. Skipped, with the reason, on a
 * machine without redis-server.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/runner.ts';
import { redisMissing } from '../../harness/topology/redis-local.ts';
import { ZOO_EXPECTATIONS } from '../../harness/zoo/expectations.ts';
import instanceFailover from '../../scenarios/instance-failover.ts';
import redisPartition from '../../scenarios/redis-partition.ts';

const missing = redisMissing();
const slo = (r: Awaited<ReturnType<typeof runScenario>>['result'], name: string) =>
  r.slos.find((s) => s.name === name);

describe.skipIf(missing !== undefined)(
  `cluster scenarios (real stack)${missing ? `: needs ${missing}` : ''}`,
  () => {
    it('instance-failover: the crashed instance’s subscribers land on the other, nothing lost, the failover named', async () => {
      const { result } = await runScenario(instanceFailover, { runtime: 'local' });
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({ verdict: 'pass', asExpected: true });
      expect(result.measurements['instances.count']).toBe(2);
      expect(result.measurements['instances.failovers']).toBeGreaterThan(0);
      expect(result.measurements['instances.unattributed']).toBe(0);
      expect(slo(result, 'failover-time')?.pass).toBe(true);
      const failover = result.instances!.failovers[0]!;
      expect(failover).toMatchObject({ from: 'instance-1', to: 'instance-2', missed: 0 });
      expect(result.instances!.story.join(' ')).toMatch(
        /subscribers? on instance-1 failed over to instance-2 in \d+ ms/,
      );
    }, 120_000);

    it('instance-failover catches redis-local-replay: the returning clients miss the other instance’s events', async () => {
      const { result } = await runScenario(instanceFailover, {
        runtime: 'local',
        target: { kind: 'zoo', defect: 'redis-local-replay', options: {} },
      });
      expect(result.error).toBeUndefined();
      const loss = slo(result, 'no-silent-loss')!;
      expect(loss.pass).toBe(false);
      expect(loss.diagnosis).toMatch(ZOO_EXPECTATIONS['redis-local-replay']![0]!.cause);
      expect(loss.diagnosis).toMatch(/Instances: instance-1 served/);
    }, 120_000);

    it('redis-partition catches redis-ack-before-append: events acknowledged in the partition were never stored', async () => {
      const { result } = await runScenario(redisPartition, {
        runtime: 'local',
        target: { kind: 'zoo', defect: 'redis-ack-before-append', options: {} },
      });
      expect(result.error).toBeUndefined();
      expect(result.measurements['delivery.silentGaps.inLogFault']).toBeGreaterThan(0);
      expect(slo(result, 'no-silent-loss')?.diagnosis).toMatch(/acknowledged-before-durable/);
    }, 120_000);
  },
);
