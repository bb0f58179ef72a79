import { describe, it, expect } from 'vitest';
import { faults } from '../../harness/checks/fault-effects.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext();

/** Two subscribers streaming steadily on topic a for 5 s, with `latencyMs` from `from` to `to`. */
function streaming(latencyIn: (t: number) => number): HistoryBuilder {
  const b = new HistoryBuilder()
    .run(0, 10_000)
    .fleet(0, 2, { topics: ['a'] })
    .open(0, 1)
    .open(0, 2);
  for (let i = 1; i <= 50; i++) {
    const t = i * 100;
    b.publish(t, 'a', i);
    b.deliver(t - 1 + latencyIn(t), 1, 'a', i).deliver(t - 1 + latencyIn(t), 2, 'a', i);
  }
  return b;
}

describe('faults check: every fault took effect', () => {
  it('sees a latency toxic in the delays of events published under it', () => {
    const b = streaming((t) => (t >= 1000 && t <= 3000 ? 152 : 2));
    b.fault(1000, 3000, 'latency', { leg: 'edge', params: { latency: 150, jitter: 0 } });
    expect(faults.run(b.build(), ctx)).toMatchObject({ 'faults.count': 1, 'faults.withoutEffect': 0 });
  });

  it('flags a latency toxic that delayed nothing (the stream does not go through that leg)', () => {
    const b = streaming(() => 2);
    b.fault(1000, 3000, 'latency', { leg: 'edge', params: { latency: 150, jitter: 0 } });
    expect(faults.run(b.build(), ctx)['faults.withoutEffect']).toBe(1);
  });

  it('sees a cut in the streams it closed, and flags one that closed none', () => {
    const cut = streaming(() => 2)
      .fault(6000, 6500, 'cut', { leg: 'edge' })
      .close(6000, 1, 'eof');
    expect(faults.run(cut.build(), ctx)['faults.withoutEffect']).toBe(0);
    const missed = streaming(() => 2)
      .fault(6000, 6500, 'cut', { leg: 'edge-b' })
      .close(6000, 1, 'eof');
    expect(faults.run(missed.build(), ctx)['faults.withoutEffect']).toBe(1); // sub 1 is on edge, not edge-b
  });

  it('sees a restart in the exit it recorded', () => {
    const b = streaming(() => 2)
      .fault(6000, 7000, 'target-sigkill')
      .target(6000, 'sigkill')
      .target(6010, 'exit');
    expect(faults.run(b.build(), ctx)['faults.withoutEffect']).toBe(0);
    const none = streaming(() => 2).fault(6000, 7000, 'target-sigkill');
    expect(faults.run(none.build(), ctx)['faults.withoutEffect']).toBe(1);
  });

  it('counts faults whose effect a history cannot show as unverifiable, not as failures', () => {
    const b = streaming(() => 2).fault(1000, 2000, 'slicer', { leg: 'edge', params: { averageSize: 10 } });
    expect(faults.run(b.build(), ctx)).toMatchObject({ 'faults.withoutEffect': 0, 'faults.unverifiable': 1 });
  });

  it('sees a fault on the Redis leg in the publishes it refused, lost or slowed, and flags one that touched none', () => {
    const refused = streaming(() => 2).fault(6000, 7000, 'blackhole', {
      leg: 'redis',
      params: { direction: 'both' },
    });
    refused.publishError(6500, 'a', 60);
    expect(faults.run(refused.build(), ctx)['faults.withoutEffect']).toBe(0);
    // Acknowledged and never received by anyone: lost in the window (an acknowledgement before the append).
    const lost = streaming(() => 2).fault(6000, 7000, 'blackhole', {
      leg: 'redis',
      params: { direction: 'both' },
    });
    lost.publish(6500, 'a', 60);
    expect(faults.run(lost.build(), ctx)['faults.withoutEffect']).toBe(0);
    // Latency toward Redis: publishes acknowledged that much later.
    const slow = streaming(() => 2).fault(6000, 7000, 'latency', { leg: 'redis', params: { latency: 200 } });
    slow.publish(6500, 'a', 60, 6290).deliver(6502, 1, 'a', 60).deliver(6502, 2, 'a', 60);
    expect(faults.run(slow.build(), ctx)['faults.withoutEffect']).toBe(0);
    // Publishes went through as usual: the fault did nothing.
    const none = streaming(() => 2).fault(6000, 7000, 'blackhole', {
      leg: 'redis',
      params: { direction: 'both' },
    });
    none.publish(6500, 'a', 60).deliver(6502, 1, 'a', 60).deliver(6502, 2, 'a', 60);
    expect(faults.run(none.build(), ctx)['faults.withoutEffect']).toBe(1);
  });

  it("sees a Redis restart in Redis's exit, and an instance's restart in the instance's", () => {
    const b = streaming(() => 2)
      .fault(1000, 2500, 'redis-restart')
      .redis(1000, 'stop')
      .redis(1100, 'exit');
    b.fault(3000, 4500, 'target-sigkill', { params: { instance: 'instance-2' } });
    b.target(3000, 'sigkill', 'instance-2')
      .target(3010, 'exit', 'instance-2')
      .target(4400, 'ready', 'instance-2');
    expect(faults.run(b.build(), ctx)).toMatchObject({ 'faults.count': 2, 'faults.withoutEffect': 0 });
    const never = streaming(() => 2).fault(1000, 2500, 'redis-restart');
    expect(faults.run(never.build(), ctx)['faults.withoutEffect']).toBe(1);
  });

  it("sees a fault below TCP in the kernel's counters as it ended, not in the latency", () => {
    const b = streaming(() => 2);
    b.fault(1000, 3000, 'packet-loss', { params: { percent: 2 } }).link(3000, 'packet-loss', {
      lossDropped: 41,
    });
    b.fault(3500, 4500, 'rate-limit', { params: { kbit: 2000 } }).link(4500, 'rate-limit', {
      qdiscOverlimits: 900,
    });
    expect(faults.run(b.build(), ctx)).toMatchObject({ 'faults.count': 2, 'faults.withoutEffect': 0 });
    // Nothing dropped, nothing held back (a limit above what the streams need): no mark.
    const idle = streaming(() => 2);
    idle.fault(1000, 3000, 'packet-loss', { params: { percent: 2 } }).link(3000, 'packet-loss', {});
    idle
      .fault(3500, 4500, 'rate-limit', { params: { kbit: 9000 } })
      .link(4500, 'rate-limit', { qdiscPackets: 500 });
    expect(faults.run(idle.build(), ctx)['faults.withoutEffect']).toBe(2);
  });
});
