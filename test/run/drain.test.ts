import { describe, expect, it } from 'vitest';
import { DrainTracker } from '../../harness/run/drain.ts';
import { History } from '../../harness/history/store.ts';
import { HistoryBuilder } from '../checks/build-history.ts';

describe('DrainTracker', () => {
  it('waits for every publish of the tail, not only the highest seq (concurrent publishers)', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).open(0, 1);
    b.publish(1000, 'a', 2).publish(1001, 'a', 1).phase(1002, 'workload-end'); // 1 acked after 2
    b.deliver(1003, 1, 'a', 2);
    const h = History.from(b.build());
    const d = new DrainTracker(h);
    expect(d.behind()).toBe(1); // seq 1 is still in flight
    h.append({
      kind: 'event',
      t: 1004,
      sub: 1,
      id: 'a-1',
      type: 'message',
      bytes: 1,
      seq: 1,
      topic: 'a',
      publishedAt: 1000,
    });
    expect(d.behind()).toBe(0);
  });

  it('does not wait for what is older than the tail (a loss stays a loss), nor for subscribers that left', () => {
    const b = new HistoryBuilder().run(0, 10_000).subscriber(0, 1).subscriber(0, 2).open(0, 1).open(0, 2);
    b.publish(100, 'a', 1).publish(5000, 'a', 2).phase(5001, 'workload-end');
    b.deliver(5002, 1, 'a', 2).unsubscribe(5003, 2);
    expect(new DrainTracker(History.from(b.build()), 2000).behind()).toBe(0);
  });

  it('counts only the topics a subscriber follows', () => {
    const b = new HistoryBuilder()
      .run(0, 10_000)
      .subscriber(0, 1, { topics: ['a'] })
      .open(0, 1);
    b.publish(1000, 'a', 1).publish(1001, 'b', 2).phase(1002, 'workload-end').deliver(1003, 1, 'a', 1);
    expect(new DrainTracker(History.from(b.build())).behind()).toBe(0);
  });
});
