import { describe, it, expect } from 'vitest';
import { latency } from '../../harness/checks/latency.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext({ faultSlackMs: 0 });

describe('latency check', () => {
  it('measures publish -> receive on first deliveries only, with nearest-rank percentiles', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).open(0, 1);
    // latencies 1..100 ms
    for (let s = 1; s <= 100; s++) b.publish(s * 10, 'a', s, s * 10).deliver(s * 10 + s, 1, 'a', s);
    b.deliver(5000, 1, 'a', 1); // a duplicate 4990 ms late must not count
    const m = latency.run(b.build(), ctx);
    expect(m).toMatchObject({
      'latency.count': 100,
      'latency.p50': 50,
      'latency.p95': 95,
      'latency.p99': 99,
      'latency.max': 100,
    });
  });

  it('splits inside and outside fault windows, per lane', () => {
    const b = new HistoryBuilder().run(0, 10_000);
    b.subscriber(0, 1, { lane: 'edge' }).subscriber(0, 2, { lane: 'edge-b' }).open(0, 1).open(0, 2);
    b.fault(1000, 2000, 'latency', { leg: 'edge-b', params: { latency: 500 } });
    b.publish(500, 'a', 1, 500).deliver(510, 1, 'a', 1).deliver(510, 2, 'a', 1);
    b.publish(1500, 'a', 2, 1500).deliver(1510, 1, 'a', 2).deliver(2000, 2, 'a', 2); // sub 2 in the fault
    b.publish(1900, 'a', 3, 1900).deliver(1910, 1, 'a', 3).deliver(2400, 2, 'a', 3); // published inside, arrives after
    b.publish(3000, 'a', 4, 3000).deliver(3010, 1, 'a', 4).deliver(3010, 2, 'a', 4);
    const m = latency.run(b.build(), ctx);
    expect(m['latency.inFault.count']).toBe(2);
    expect(m['latency.inFault.p99']).toBe(500);
    expect(m['latency.outsideFault.count']).toBe(6);
    expect(m['latency.outsideFault.p99']).toBe(10);
    expect(m['latency.max']).toBe(500);
  });

  it('counts an event stuck across a fault (published before, received after) as in fault', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).open(0, 1).fault(1000, 2000, 'blackhole');
    b.publish(900, 'a', 1, 900).deliver(2500, 1, 'a', 1);
    const m = latency.run(b.build(), ctx);
    expect(m['latency.inFault.count']).toBe(1);
    expect(m['latency.outsideFault.p99']).toBeNull();
  });

  it('keeps replays after a reconnect out of the live outside-fault latency', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).open(0, 1);
    b.publish(100, 'a', 1, 100).deliver(105, 1, 'a', 1); // live: 5 ms
    b.close(200, 1, 'error').publish(300, 'a', 2, 300).publish(400, 'a', 3, 400);
    b.open(2000, 1, 'a-1').deliver(2002, 1, 'a', 2).deliver(2002, 1, 'a', 3); // replays: 1702, 1602 ms
    b.publish(2100, 'a', 4, 2100).deliver(2108, 1, 'a', 4); // live again: 8 ms
    const m = latency.run(b.build(), ctx);
    expect(m['latency.replayed.count']).toBe(2);
    expect(m['latency.replayed.p99']).toBe(1702);
    expect(m['latency.outsideFault.count']).toBe(2);
    expect(m['latency.outsideFault.p99']).toBe(8);
    expect(m['latency.p99']).toBe(1702);
  });

  it('is null without deliveries', () => {
    const m = latency.run(new HistoryBuilder().run(0, 100).build(), ctx);
    expect(m['latency.p99']).toBeNull();
    expect(m['latency.count']).toBe(0);
  });
});
