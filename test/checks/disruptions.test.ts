import { describe, it, expect } from 'vitest';
import { disruptions } from '../../harness/checks/disruptions.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext({ faultSlackMs: 250 });

describe('disruptions: each subscriber is disrupted until its own recovery', () => {
  it('lasts from the fault until the first byte of a stream that stays up', () => {
    const b = new HistoryBuilder().run(0, 20_000).fleet(0, 2).open(0, 1).open(0, 2);
    b.fault(1000, 2000, 'blackhole', { leg: 'edge' });
    b.close(2005, 1, 'error').open(3500, 1).heartbeat(4500, 1); // back at 3501
    b.close(2005, 2, 'error').open(2100, 2).heartbeat(3100, 2); // back at 2101
    const d = disruptions(b.build(), ctx);
    expect(d.forSub(1).contains(3400)).toBe(true);
    expect(d.forSub(1).contains(3600)).toBe(false);
    expect(d.forSub(2).contains(2200)).toBe(true); // the slack after the window
    expect(d.forSub(2).contains(2300)).toBe(false);
    expect(d.recoveries.map((r) => [r.sub, r.recoveredAt])).toEqual([
      [1, 3501],
      [2, 2101],
    ]);
  });

  it('touches only the faulted lane, and everyone for a target outage', () => {
    const b = new HistoryBuilder().run(0, 20_000);
    b.subscriber(0, 1, { lane: 'edge' }).subscriber(0, 2, { lane: 'edge-b' }).open(0, 1).open(0, 2);
    b.fault(1000, 2000, 'bandwidth', { leg: 'edge-b' }).heartbeat(2100, 2);
    b.target(5000, 'sigkill').close(5000, 1, 'error').close(5000, 2, 'error').target(6000, 'ready');
    b.open(6500, 1).open(6600, 2).heartbeat(7500, 1).heartbeat(7600, 2);
    const d = disruptions(b.build(), ctx);
    expect(d.forSub(1).contains(1500)).toBe(false);
    expect(d.forSub(2).contains(1500)).toBe(true);
    expect(d.forSub(1).contains(6200)).toBe(true);
    expect(d.forSub(2).contains(6550)).toBe(true);
  });

  it('keeps a subscriber that never recovers disrupted until it leaves', () => {
    const b = new HistoryBuilder().run(0, 10_000).fleet(0, 1).open(0, 1);
    b.fault(1000, 2000, 'cut').close(1000, 1).unsubscribe(8000, 1);
    const d = disruptions(b.build(), ctx);
    expect(d.forSub(1).contains(7900)).toBe(true);
    expect(d.recoveries[0]).toMatchObject({ recoveredAt: undefined, left: true });
  });

  it('does not disrupt a subscriber that joined after the fault', () => {
    const b = new HistoryBuilder().run(0, 10_000).fault(1000, 2000, 'cut').subscriber(3000, 1).open(3000, 1);
    const d = disruptions(b.build(), ctx);
    expect(d.forSub(1).size).toBe(0);
    expect(d.recoveries).toEqual([]);
  });

  it('lets an instance leg or the Redis leg reach every lane, and keeps each instance down on its own', () => {
    const b = new HistoryBuilder().run(0, 20_000);
    b.subscriber(0, 1, { lane: 'edge' }).subscriber(0, 2, { lane: 'edge-b' }).open(0, 1).open(0, 2);
    b.fault(1000, 2000, 'blackhole', { leg: 'redis' }).heartbeat(2100, 1).heartbeat(2100, 2);
    b.fault(3000, 3500, 'latency', { leg: 'origin-2' }).heartbeat(3600, 1).heartbeat(3600, 2);
    // Overlapping outages of two instances: one interval each, not one merged from the first stop to the last ready.
    b.target(5000, 'sigterm', 'instance-1').target(5500, 'sigterm', 'instance-2');
    b.target(6000, 'ready', 'instance-1').target(9000, 'ready', 'instance-2');
    const d = disruptions(b.build(), ctx);
    for (const sub of [1, 2]) {
      expect(d.forSub(sub).contains(1500), `sub ${sub}, redis`).toBe(true);
      expect(d.forSub(sub).contains(3200), `sub ${sub}, origin-2`).toBe(true);
    }
    expect(d.targetDown).toEqual([
      [5000, 6000],
      [5500, 9000],
    ]);
  });
});
