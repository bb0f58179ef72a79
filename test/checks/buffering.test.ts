import { describe, it, expect } from 'vitest';
import { buffering } from '../../harness/checks/buffering.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext({ burstWindowMs: 5, faultSlackMs: 0 });

describe('buffering check', () => {
  it('sees no bursts when steady publishes arrive steadily', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).open(0, 1);
    b.steady({ topic: 'a', from: 100, everyMs: 100, count: 50, subs: [1], latencyMs: 3 });
    const m = buffering.run(b.build(), ctx);
    expect(m['buffering.pairs']).toBe(49);
    expect(m['buffering.burstiness']).toBe(0);
    expect(m['buffering.maxBurstBytes']).toBeNull();
    expect(m['buffering.publishIntervalMs']).toBe(100);
  });

  it('sees ~1 when a proxy releases steady publishes in ~4 KiB bursts', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).connect(0, 1);
    // nothing for a while, then the response and 10 events (410 B each) at once, every second
    b.response(1000, 1).firstByte(1000, 1, 1000);
    for (let s = 1; s <= 40; s++) {
      const publishedAt = 1000 + s * 100;
      b.publish(publishedAt, 'a', s, publishedAt);
      const release = 1000 + Math.ceil(s / 10) * 1000 + 1;
      b.deliver(release + ((s - 1) % 10) * 0.1, 1, 'a', s, { bytes: 410 });
    }
    const m = buffering.run(b.build(), ctx);
    expect(m['buffering.burstiness']).toBeGreaterThanOrEqual(0.85);
    expect(m['buffering.maxBurstBytes']).toBe(4100);
    expect(m['buffering.burstBytesP50']).toBe(4100);
    expect(m['buffering.ttfbP95']).toBe(1000);
  });

  it('does not call a replay backlog a burst', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1);
    for (let s = 1; s <= 20; s++) b.publish(s * 100, 'a', s, s * 100);
    b.open(5000, 1, 'a-0');
    for (let s = 1; s <= 20; s++) b.deliver(5002, 1, 'a', s); // replay all at once
    const m = buffering.run(b.build(), ctx);
    expect(m['buffering.pairs']).toBe(0);
    expect(m['buffering.burstiness']).toBeNull();
  });

  it('measures the first event delay from connect or publish, whichever is later', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).subscriber(0, 2);
    b.open(0, 1).publish(500, 'a', 1, 500).deliver(520, 1, 'a', 1); // live: 20 ms after publish
    b.publish(50, 'b', 1, 50).open(1000, 2).deliver(1300, 2, 'b', 1); // replay: 300 ms after connect
    const m = buffering.run(b.build(), ctx);
    expect(m['buffering.firstEventDelayP95']).toBe(300);
  });

  it('ignores bursts inside a fault window of the lane', () => {
    const b = new HistoryBuilder()
      .run(0, 10_000)
      .subscriber(0, 1)
      .open(0, 1)
      .fault(0, 10_000, 'latency', { leg: 'edge' });
    for (let s = 1; s <= 10; s++) b.publish(s * 100, 'a', s, s * 100).deliver(2000, 1, 'a', s);
    expect(buffering.run(b.build(), ctx)['buffering.burstiness']).toBeNull();
  });
});
