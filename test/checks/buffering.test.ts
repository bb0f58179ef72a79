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

  it('does not call it a burst when the target commits publishes sent apart together (a stall of the target)', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).open(0, 1);
    // Steady publishes every 100 ms; every fifth second the target stalls for 400 ms and commits the
    // four publishes sent meanwhile at once: each is acknowledged, and delivered, when the stall ends.
    for (let s = 1; s <= 40; s++) {
      const sentAt = s * 100;
      const stalled = s % 10 >= 6;
      const commit = stalled ? Math.ceil(sentAt / 1000) * 1000 : sentAt + 2;
      b.publish(commit, 'a', s, sentAt).deliver(commit + 1 + (s % 10) * 0.1, 1, 'a', s);
    }
    const m = buffering.run(b.build(), ctx);
    expect(m['buffering.pairs']).toBeGreaterThanOrEqual(30);
    expect(m['buffering.burstiness']).toBe(0);
  });

  it('judges dense concurrent publishes by the latest event surely committed before each one', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).open(0, 1);
    // Four publishers, an event every 8 ms, each acknowledged 3 ms after it was sent: no two
    // consecutive events were surely committed 10 ms apart, but every event and the one two back were.
    for (let s = 1; s <= 100; s++) {
      const sentAt = 100 + s * 8;
      b.publish(sentAt + 3, 'a', s, sentAt).deliver(sentAt + 2, 1, 'a', s);
    }
    const healthy = buffering.run(b.build(), ctx);
    expect(healthy['buffering.pairs']).toBe(98);
    expect(healthy['buffering.burstiness']).toBe(0);

    // The same publishes behind a proxy that releases them in ~4 KiB lumps (10 events) at once.
    const buffered = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).open(0, 1);
    for (let s = 1; s <= 100; s++) {
      const sentAt = 100 + s * 8;
      const release = 100 + Math.ceil(s / 10) * 80 + 1;
      buffered
        .publish(sentAt + 3, 'a', s, sentAt)
        .deliver(release + (s % 10) * 0.1, 1, 'a', s, { bytes: 410 });
    }
    expect(buffering.run(buffered.build(), ctx)['buffering.burstiness']).toBeGreaterThanOrEqual(0.7);
  });

  it('pairs nothing with an event whose publish was never acknowledged', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).open(0, 1);
    b.add({ kind: 'publish-error', t: 150, seq: 1, topic: 'a', sentAt: 100, error: 'timeout' });
    b.deliver(105, 1, 'a', 1, { publishedAt: 100 });
    b.publish(201, 'a', 2, 200).deliver(205, 1, 'a', 2);
    expect(buffering.run(b.build(), ctx)['buffering.pairs']).toBe(0);
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
