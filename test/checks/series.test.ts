import { describe, it, expect } from 'vitest';
import { buildSeries } from '../../harness/checks/series.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

describe('buildSeries', () => {
  it('buckets publishes, deliveries, latency, connections and attempts on the run clock', () => {
    const b = new HistoryBuilder().run(0, 1000).fleet(0, 2);
    b.open(0, 1).open(600, 2); // responses at 1 and 601
    b.publish(100, 'a', 1, 100).deliver(110, 1, 'a', 1); // bucket 0, latency 10
    b.publish(300, 'a', 2, 300).deliver(330, 1, 'a', 2); // bucket 1, latency 30
    b.deliver(340, 1, 'a', 2); // a duplicate: delivered, but no latency sample
    b.close(800, 1, 'eof'); // bucket 3
    const s = buildSeries(b.build(), testContext({ bucketMs: 250 }));
    expect(s.bucketMs).toBe(250);
    expect(s.t).toEqual([0, 250, 500, 750]);
    expect(s.published).toEqual([1, 1, 0, 0]);
    expect(s.delivered).toEqual([1, 2, 0, 0]);
    expect(s.latencyP50).toEqual([10, 30, null, null]);
    expect(s.latencyMax).toEqual([10, 30, null, null]);
    expect(s.connected).toEqual([1, 1, 2, 1]);
    expect(s.reconnectsPerSec).toEqual([4, 0, 4, 0]); // 1 attempt in 250 ms = 4/s
  });

  it('puts per-bucket percentiles over that bucket only', () => {
    const b = new HistoryBuilder().run(0, 200).subscriber(0, 1).open(0, 1);
    for (let s = 1; s <= 100; s++) b.publish(10, 'a', s, 10).deliver(10 + s, 1, 'a', s); // latencies 1..100
    const s = buildSeries(b.build(), testContext({ bucketMs: 1000 }));
    expect(s.t).toEqual([0]);
    expect([s.latencyP50[0], s.latencyP95[0], s.latencyP99[0], s.latencyMax[0]]).toEqual([50, 95, 99, 100]);
  });

  it('gives one heartbeat-gap point per open connection, at the start of its longest silence', () => {
    const b = new HistoryBuilder().run(0, 10_000).fleet(0, 2);
    b.open(0, 1).heartbeat(1001, 1).heartbeat(4001, 1).close(4500, 1, 'aborted');
    b.connect(0, 2).response(1, 2, 503, 'text/plain').close(2, 2, 'http-status'); // never open: no point
    const s = buildSeries(b.build(), testContext());
    expect(s.heartbeatGaps).toEqual([{ t: 1001, gapMs: 3000, sub: 1 }]);
  });

  it('has one empty bucket for an empty history', () => {
    const s = buildSeries([], testContext());
    expect(s.t).toEqual([0]);
    expect(s.connected).toEqual([0]);
  });

  it('draws each client profile apart when real browsers share the fleet with the models, and only then', () => {
    const b = new HistoryBuilder().run(0, 2000).fleet(0, 2, { profile: 'browser' });
    b.fleet(0, 1, { profile: 'backoff' }, 3);
    b.open(0, 1).open(0, 2).open(0, 3).close(600, 1, 'eof').connect(1100, 1);
    expect(buildSeries(b.build(), testContext()).byProfile).toBeUndefined();
    b.fleet(0, 1, { profile: 'chromium' }, 4).open(10, 4);
    const byProfile = buildSeries(b.build(), testContext()).byProfile!;
    expect(Object.keys(byProfile).sort()).toEqual(['backoff', 'browser', 'chromium']);
    // 250 ms buckets: the browser model lost a stream at 600 ms and tried again at 1100 ms.
    expect(byProfile.browser!.connected.slice(0, 5)).toEqual([2, 2, 1, 1, 1]);
    expect(byProfile.browser!.reconnectsPerSec.slice(0, 5)).toEqual([8, 0, 0, 0, 4]);
    expect(byProfile.chromium!.connected.slice(0, 2)).toEqual([1, 1]);
  });
});
