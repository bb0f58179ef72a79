import { describe, it, expect } from 'vitest';
import { evidence } from '../../harness/checks/evidence.ts';
import { publish } from '../../harness/checks/publish.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext({ faultSlackMs: 0 });

describe('evidence check: what the verdict rests on', () => {
  it('counts live deliveries in each window between faults', () => {
    const b = new HistoryBuilder().run(0, 10_000).fleet(0, 1).open(0, 1).phase(100, 'workload-start');
    b.steady({ topic: 'a', from: 200, everyMs: 100, count: 20, subs: [1], latencyMs: 2 }); // 200..2100
    b.fault(2200, 2300, 'latency', { params: { latency: 10 } }).heartbeat(2400, 1);
    b.steady({ topic: 'a', from: 2500, everyMs: 100, count: 5, subs: [1], latencyMs: 2, firstSeq: 100 });
    b.phase(3000, 'workload-end');
    expect(evidence.run(b.build(), ctx)).toMatchObject({
      'evidence.windows': 2,
      'evidence.thinnestWindowEvents': 5,
      'evidence.afterLastFaultEvents': 5,
      'evidence.subscribers': 1,
    });
  });

  it('finds nothing after the last fault when the subscribers never came back in time', () => {
    const b = new HistoryBuilder().run(0, 10_000).fleet(0, 1).open(0, 1).phase(100, 'workload-start');
    b.steady({ topic: 'a', from: 200, everyMs: 100, count: 10, subs: [1], latencyMs: 2 });
    b.fault(1500, 2000, 'cut').close(1500, 1).publish(2500, 'a', 50).phase(3000, 'workload-end');
    expect(evidence.run(b.build(), ctx)).toMatchObject({
      'evidence.thinnestWindowEvents': 0,
      'evidence.afterLastFaultEvents': 0,
    });
  });

  it('does not judge a window in which nothing was published (a planned pause)', () => {
    const b = new HistoryBuilder().run(0, 10_000).fleet(0, 1).open(0, 1).phase(0, 'workload-start');
    b.fault(100, 500, 'cut').close(100, 1).open(900, 1);
    b.steady({ topic: 'a', from: 1000, everyMs: 100, count: 10, subs: [1], latencyMs: 2 });
    b.phase(2500, 'workload-end');
    expect(evidence.run(b.build(), ctx)).toMatchObject({
      'evidence.windows': 1,
      'evidence.thinnestWindowEvents': 10,
    });
  });
});

describe('publish check', () => {
  it('counts acknowledged and failed publishes, and ids acknowledged twice', () => {
    const b = new HistoryBuilder().run(0, 1000).publish(10, 'a', 1).publish(20, 'a', 2);
    b.add({ kind: 'publish', t: 30, seq: 3, topic: 'a', id: 'a-1', sentAt: 29 }); // ids restarted
    b.add({ kind: 'publish-error', t: 40, seq: 4, topic: 'a', sentAt: 39, error: 'HTTP 500' });
    expect(publish.run(b.build(), ctx)).toEqual({
      'publish.attempted': 4,
      'publish.acknowledged': 3,
      'publish.failed': 1,
      'publish.repeatedIds': 1,
    });
  });
});
