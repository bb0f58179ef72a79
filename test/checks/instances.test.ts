import { describe, expect, it } from 'vitest';
import {
  analyzeInstances,
  failoverGroups,
  instanceStory,
  instances,
} from '../../harness/checks/instances.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext();
const A = '127.0.0.1:4001';
const B = '127.0.0.1:4002';

/** Two instances; subscribers 1 and 2 on instance-1, 3 on instance-2, events flowing. */
function cluster(): HistoryBuilder {
  return new HistoryBuilder()
    .run(0, 20_000)
    .instance(0, 'instance-1', A)
    .instance(0, 'instance-2', B)
    .fleet(10, 3)
    .openVia(100, 1, A)
    .openVia(100, 2, A)
    .openVia(100, 3, B)
    .steady({ topic: 't', from: 200, everyMs: 100, count: 10, subs: [1, 2, 3], latencyMs: 3 });
}

describe('instances check', () => {
  it('measures nothing for a single target (no instance records)', () => {
    const b = new HistoryBuilder().run(0, 5000).fleet(0, 1).open(10, 1);
    const m = instances.run(b.build(), ctx);
    expect(m['instances.count']).toBeNull();
    expect(m['instances.failovers']).toBeNull();
    expect(instanceStory(b.build(), ctx)).toEqual([]);
  });

  it('names the instance behind each stream from the upstream the proxy reported', () => {
    const a = analyzeInstances(cluster().build(), ctx);
    expect(a.names).toEqual(['instance-1', 'instance-2']);
    expect(a.stats).toEqual([
      { name: 'instance-1', streams: 2, subscribers: 2, events: 20 },
      { name: 'instance-2', streams: 1, subscribers: 1, events: 10 },
    ]);
    expect(a.unattributed).toBe(0);
  });

  it('takes the last of the upstreams nginx tried (it retried the next one after a failure)', () => {
    const b = cluster().close(1500, 3).openVia(1600, 3, `${A}, ${B}`);
    b.publish(1700, 't', 11).deliver(1703, 3, 't', 11);
    expect(analyzeInstances(b.build(), ctx).stats[1]!.streams).toBe(2);
  });

  it('counts a failover when a stream ends while its instance is stopped, timed to the first byte on the next', () => {
    const b = cluster();
    b.target(1300, 'sigkill', 'instance-1').close(1301, 1, 'error').close(1302, 2, 'error');
    b.target(1310, 'exit', 'instance-1').target(1320, 'restart', 'instance-1');
    b.openVia(1501, 1, B, 't-10').openVia(1901, 2, B, 't-10');
    b.target(2500, 'ready', 'instance-1');
    b.publish(2600, 't', 11).deliver(2603, 1, 't', 11).deliver(2603, 2, 't', 11).deliver(2603, 3, 't', 11);
    const records = b.build();
    const m = instances.run(records, ctx);
    expect(m).toMatchObject({
      'instances.count': 2,
      'instances.failovers': 2,
      'instances.failoverP50Ms': 201, // 1301 -> 1502
      'instances.failoverMaxMs': 600, // 1302 -> 1902
      'instances.moves': 0,
    });
    expect(failoverGroups(records, ctx)).toEqual([
      { from: 'instance-1', to: 'instance-2', subscribers: 2, p50Ms: 201, p95Ms: 600, maxMs: 600, missed: 0 },
    ]);
    expect(instanceStory(records, ctx).join(' ')).toContain(
      'The 2 subscribers on instance-1 failed over to instance-2 in 600 ms (p95; p50 201 ms, max 600 ms); ' +
        'nothing they had to receive was lost.',
    );
  });

  it('counts a move to another instance that was up apart, and the losses of the subscribers who moved', () => {
    const b = cluster().close(1250, 1, 'error');
    b.publish(1300, 't', 11).deliver(1303, 2, 't', 11).deliver(1303, 3, 't', 11);
    // Back on instance-2 with a Last-Event-ID, replayed nothing of seq 11, then live again.
    b.openVia(1500, 1, B, 't-10');
    b.publish(1600, 't', 12).deliver(1603, 1, 't', 12).deliver(1603, 2, 't', 12).deliver(1603, 3, 't', 12);
    const records = b.build();
    expect(instances.run(records, ctx)).toMatchObject({ 'instances.failovers': 0, 'instances.moves': 1 });
    expect(instanceStory(records, ctx).join(' ')).toContain(
      '1 reconnects of 1 subscribers moved to another instance that was not stopped (round robin); those ' +
        'subscribers never got 1 acknowledged events they should have had.',
    );
  });

  it('does not count the proxy answering itself (an SSE error page that ends at once) as a stream served', () => {
    const b = cluster().close(1250, 1, 'error');
    // A 200 + retry: that ends within the setup window, named after the upstream nginx failed on.
    b.openVia(1400, 1, A, 't-10').close(1402, 1, 'eof');
    b.openVia(1800, 1, B, 't-10');
    const a = analyzeInstances(b.build(), ctx);
    expect(a.stats[0]!.streams).toBe(2);
    expect(a.moves).toBe(1);
  });

  it('counts streams whose upstream it cannot name (a proxy without the header) as unattributed', () => {
    const b = cluster().close(1250, 3).open(1400, 3, 't-10');
    b.publish(1500, 't', 11).deliver(1503, 3, 't', 11);
    expect(instances.run(b.build(), ctx)['instances.unattributed']).toBe(1);
  });
});
