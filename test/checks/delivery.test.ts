import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { delivery } from '../../harness/checks/delivery.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext();
const run = (b: HistoryBuilder) => delivery.run(b.build(), ctx);

/** Two subscribers on topic a, open from t=10. */
function twoSubs(): HistoryBuilder {
  return new HistoryBuilder()
    .run(0, 10_000)
    .subscriber(0, 1, { topics: ['a'] })
    .subscriber(0, 2, { topics: ['a'] })
    .open(10, 1)
    .open(10, 2);
}

describe('delivery check', () => {
  it('counts a clean run: every acknowledged publish once, in order, for every subscriber', () => {
    const m = run(
      twoSubs().steady({ topic: 'a', from: 100, everyMs: 100, count: 5, subs: [1, 2], latencyMs: 5 }),
    );
    expect(m).toMatchObject({
      'delivery.expected': 10,
      'delivery.delivered': 10,
      'delivery.silentGaps': 0,
      'delivery.declaredGaps': 0,
      'delivery.duplicates': 0,
      'delivery.reorders': 0,
      'delivery.subscribersWithLoss': 0,
      'delivery.events': 10,
    });
  });

  it('counts a missing acknowledged event as a silent gap for the subscriber that missed it', () => {
    const b = twoSubs().steady({ topic: 'a', from: 100, everyMs: 100, count: 5, subs: [1], latencyMs: 5 });
    for (const seq of [1, 2, 4, 5]) b.deliver(100 * seq + 5, 2, 'a', seq);
    const m = run(b);
    expect(m['delivery.silentGaps']).toBe(1);
    expect(m['delivery.subscribersWithLoss']).toBe(1);
    expect(m['delivery.delivered']).toBe(9);
  });

  it('counts a second delivery as a duplicate, not a reorder', () => {
    const b = twoSubs().steady({ topic: 'a', from: 100, everyMs: 100, count: 3, subs: [1, 2], latencyMs: 5 });
    b.deliver(350, 1, 'a', 2); // a replay of seq 2 after seq 3
    const m = run(b);
    expect(m['delivery.duplicates']).toBe(1);
    expect(m['delivery.reorders']).toBe(0);
    expect(m['delivery.silentGaps']).toBe(0);
  });

  it('counts an event arriving after a later one of the same topic as a reorder', () => {
    const b = new HistoryBuilder().run(0, 1000).subscriber(0, 1).open(10, 1);
    b.publish(100, 'a', 1).publish(110, 'a', 2).publish(120, 'a', 3);
    b.deliver(130, 1, 'a', 1).deliver(131, 1, 'a', 3).deliver(132, 1, 'a', 2);
    const m = run(b);
    expect(m['delivery.reorders']).toBe(1);
    expect(m['delivery.duplicates']).toBe(0);
    expect(m['delivery.silentGaps']).toBe(0);
  });

  it('keeps order per topic: interleaved topics are not reorders', () => {
    const b = new HistoryBuilder().run(0, 1000).subscriber(0, 1).open(10, 1);
    b.publish(100, 'a', 5).publish(101, 'b', 1).publish(102, 'a', 6);
    b.deliver(110, 1, 'a', 5).deliver(111, 1, 'b', 1).deliver(112, 1, 'a', 6);
    expect(run(b)['delivery.reorders']).toBe(0);
  });

  it('counts misses the server declared with a reset as declared gaps, later misses stay silent', () => {
    const b = new HistoryBuilder()
      .run(0, 5000)
      .subscriber(0, 1, { topics: ['a'] })
      .open(10, 1);
    b.publish(100, 'a', 1).deliver(105, 1, 'a', 1);
    b.close(150, 1, 'error');
    b.publish(200, 'a', 2).publish(300, 'a', 3).publish(400, 'a', 4).publish(450, 'a', 5);
    // Back at 500 with Last-Event-ID a-1, but retention only has seq 4 on: reset, then 4; 5 never comes.
    b.open(500, 1, 'a-1').reset(502, 1).deliver(503, 1, 'a', 4);
    const m = run(b);
    expect(m['delivery.declaredGaps']).toBe(2); // seq 2, 3: before the earliest available
    expect(m['delivery.silentGaps']).toBe(1); // seq 5: available, acknowledged before the reset, never sent
    expect(m['delivery.expected']).toBe(5);
    expect(m['delivery.delivered']).toBe(2);
  });

  it('flags losses of a subscriber that came back without a Last-Event-ID (nothing to resume from)', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).subscriber(0, 2).open(10, 1).open(10, 2);
    b.close(100, 1, 'error').close(100, 2, 'error');
    b.publish(200, 'a', 1);
    b.open(300, 1).open(300, 2, 'a-0'); // sub 1 had received nothing: no id to send
    const m = run(b);
    expect(m['delivery.silentGaps']).toBe(2);
    expect(m['delivery.silentGaps.noLastEventId']).toBe(1);
  });

  it('does not let a reset excuse events acknowledged after it', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).open(10, 1).reset(12, 1);
    b.publish(100, 'a', 1);
    expect(run(b)).toMatchObject({ 'delivery.silentGaps': 1, 'delivery.declaredGaps': 0 });
  });

  it('expects nothing acknowledged before the first open, and a single early arrival is fine', () => {
    const b = new HistoryBuilder()
      .run(0, 1000)
      .subscriber(0, 1)
      .publish(5, 'a', 1)
      .publish(6, 'a', 2)
      .open(10, 1);
    b.deliver(12, 1, 'a', 2); // replayed, optional
    b.publish(100, 'a', 3).deliver(105, 1, 'a', 3);
    expect(run(b)).toMatchObject({
      'delivery.expected': 1,
      'delivery.delivered': 1,
      'delivery.silentGaps': 0,
      'delivery.duplicates': 0,
    });
  });

  it('stops expecting at workload-end, unsubscribe and give-up', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).subscriber(0, 2).subscriber(0, 3);
    b.open(10, 1).open(10, 2).open(10, 3);
    b.publish(100, 'a', 1).deliver(105, 1, 'a', 1).deliver(105, 2, 'a', 1).deliver(105, 3, 'a', 1);
    b.unsubscribe(150, 2).giveUp(160, 3);
    b.publish(200, 'a', 2).deliver(205, 1, 'a', 2);
    b.phase(300, 'workload-end').publish(400, 'a', 3);
    expect(run(b)).toMatchObject({
      'delivery.expected': 4,
      'delivery.delivered': 4,
      'delivery.silentGaps': 0,
    });
  });

  it('expects only the topics a subscriber asked for (none = all)', () => {
    const b = new HistoryBuilder()
      .run(0, 1000)
      .subscriber(0, 1, { topics: ['a'] })
      .subscriber(0, 2)
      .open(10, 1)
      .open(10, 2);
    b.publish(100, 'a', 1).publish(100, 'b', 1);
    b.deliver(105, 1, 'a', 1).deliver(105, 2, 'a', 1).deliver(106, 2, 'b', 1);
    expect(run(b)).toMatchObject({
      'delivery.expected': 3,
      'delivery.delivered': 3,
      'delivery.silentGaps': 0,
    });
  });

  it('counts subscribers that never opened a stream apart and expects nothing of them', () => {
    const b = new HistoryBuilder()
      .run(0, 1000)
      .subscriber(0, 1)
      .connect(10, 1)
      .response(11, 1, 502, 'text/html');
    b.publish(100, 'a', 1);
    expect(run(b)).toMatchObject({ 'delivery.expected': 0, 'delivery.subscribersNeverOpened': 1 });
  });

  it('reports delivered events that were never acknowledged, and ignores events without a seq', () => {
    const b = new HistoryBuilder().run(0, 1000).subscriber(0, 1).open(10, 1).deliver(20, 1, 'a', 99);
    b.add({ kind: 'event', t: 30, sub: 1, id: 'x', type: 'message', bytes: 3 });
    const m = run(b);
    expect(m['delivery.unacknowledgedDelivered']).toBe(1);
    expect(m['delivery.events']).toBe(1);
    expect(m['delivery.expected']).toBe(0);
  });

  it('accepts any iterable, not only arrays', () => {
    const records = twoSubs()
      .steady({ topic: 'a', from: 100, everyMs: 100, count: 2, subs: [1, 2], latencyMs: 5 })
      .build();
    function* gen() {
      yield* records;
    }
    expect(delivery.run(gen(), ctx)['delivery.delivered']).toBe(4);
  });

  it('property: expected = delivered + silent + declared; duplicates = arrivals - distinct', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 60 }),
        (count, arrivals) => {
          const b = new HistoryBuilder().run(0, 100_000).subscriber(0, 1).open(10, 1);
          for (let s = 1; s <= count; s++) b.publish(100 + s, 'a', s);
          const valid = arrivals.filter((s) => s <= count);
          valid.forEach((s, i) => b.deliver(1000 + i, 1, 'a', s));
          const m = run(b);
          const distinct = new Set(valid).size;
          expect(m['delivery.expected']).toBe(count);
          expect(m['delivery.delivered']).toBe(distinct);
          expect(m['delivery.silentGaps']).toBe(count - distinct);
          expect(m['delivery.duplicates']).toBe(valid.length - distinct);
          let max = 0;
          let reorders = 0;
          const seen = new Set<number>();
          for (const s of valid) {
            if (!seen.has(s) && s < max) reorders++;
            seen.add(s);
            max = Math.max(max, s);
          }
          expect(m['delivery.reorders']).toBe(reorders);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('delivery oracle: resets are judged', () => {
  const retained = testContext({ retention: { events: 100 }, durable: true });

  /** sub 1 gets seq 1, leaves, misses 2..4, comes back with Last-Event-ID a-1 and gets a reset. */
  function resetAfterShortAbsence(): HistoryBuilder {
    const b = new HistoryBuilder()
      .run(0, 5000)
      .subscriber(0, 1, { topics: ['a'] })
      .open(10, 1);
    b.publish(100, 'a', 1).deliver(105, 1, 'a', 1).close(150, 1, 'error');
    b.publish(200, 'a', 2).publish(300, 'a', 3).publish(400, 'a', 4);
    b.open(500, 1, 'a-1').reset(502, 1).publish(600, 'a', 5).deliver(605, 1, 'a', 5);
    return b;
  }

  it('a reset declares only what lies between the resume point and the first event after it', () => {
    const m = delivery.run(resetAfterShortAbsence().build(), retained);
    expect(m).toMatchObject({ 'delivery.declaredGaps': 3, 'delivery.silentGaps': 0, 'delivery.resets': 1 });
  });

  it('a reset the declared retention did not require is needless', () => {
    const m = delivery.run(resetAfterShortAbsence().build(), retained);
    expect(m).toMatchObject({
      'delivery.needlessGaps': 3,
      'delivery.needlessResets': 1,
      'delivery.justifiedGaps': 0,
    });
  });

  it('a reset past the declared retention is justified', () => {
    const small = testContext({ retention: { events: 2 }, durable: true });
    const m = delivery.run(resetAfterShortAbsence().build(), small);
    expect(m).toMatchObject({ 'delivery.needlessGaps': 0, 'delivery.justifiedGaps': 3 });
  });

  it('a reset past a declared time retention is justified', () => {
    const short = testContext({ retention: { ms: 200 } });
    expect(delivery.run(resetAfterShortAbsence().build(), short)['delivery.justifiedGaps']).toBe(3);
  });

  it('resets cannot be judged without a declared retention', () => {
    const m = delivery.run(resetAfterShortAbsence().build(), testContext());
    expect(m).toMatchObject({
      'delivery.needlessGaps': null,
      'delivery.needlessResets': null,
      'delivery.justifiedGaps': 3,
    });
  });

  it('a later reset does not hide an earlier silent loss', () => {
    // seq 2 is skipped on a live stream; much later the subscriber resumes from a-4 and gets a reset.
    const b = new HistoryBuilder()
      .run(0, 5000)
      .subscriber(0, 1, { topics: ['a'] })
      .open(10, 1);
    b.publish(100, 'a', 1).deliver(105, 1, 'a', 1);
    b.publish(200, 'a', 2); // never sent
    b.publish(300, 'a', 3).deliver(305, 1, 'a', 3).publish(400, 'a', 4).deliver(405, 1, 'a', 4);
    b.close(450, 1, 'error').publish(500, 'a', 5).open(600, 1, 'a-4').reset(602, 1);
    b.publish(700, 'a', 6).deliver(705, 1, 'a', 6);
    const m = delivery.run(b.build(), retained);
    expect(m).toMatchObject({ 'delivery.silentGaps': 1, 'delivery.declaredGaps': 1 }); // 2 silent, 5 declared
    expect(m['delivery.silentGaps.live']).toBe(1);
  });
});

describe('delivery oracle: why a silent gap happened', () => {
  it('a publish acknowledged while the stream was being set up and never sent is the replay/live race', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).open(10, 1);
    b.publish(100, 'a', 1).deliver(105, 1, 'a', 1).close(150, 1, 'error');
    b.connect(500, 1, 'a-1').publish(520, 'a', 2).response(530, 1).firstByte(531, 1, 31);
    b.publish(700, 'a', 3).deliver(705, 1, 'a', 3);
    const m = delivery.run(b.build(), testContext());
    expect(m['delivery.silentGaps.atSetup']).toBe(1);
  });

  it('a subscriber that came back with a Last-Event-ID and got no replay at all: the id was ignored', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).open(10, 1);
    b.publish(100, 'a', 1).deliver(105, 1, 'a', 1).close(150, 1, 'error');
    b.publish(200, 'a', 2).publish(300, 'a', 3);
    b.open(500, 1, 'a-1').publish(600, 'a', 4).deliver(605, 1, 'a', 4); // live only
    const m = delivery.run(b.build(), testContext());
    expect(m).toMatchObject({ 'delivery.silentGaps': 2, 'delivery.silentGaps.notReplayed': 2 });
  });

  it('an SSE error page (200, only retry:, ended at once) is not the stream that failed to replay', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).open(10, 1);
    b.publish(100, 'a', 1).deliver(105, 1, 'a', 1).close(150, 1, 'error');
    b.publish(200, 'a', 2);
    b.open(300, 1, 'a-1').retry(302, 1, 1000).close(303, 1, 'eof'); // nginx's error page
    b.open(1400, 1, '').publish(1500, 'a', 3).deliver(1505, 1, 'a', 3); // lost its id: the next stream
    const m = delivery.run(b.build(), testContext());
    expect(m['delivery.silentGaps.noLastEventId']).toBe(1);
    expect(m['delivery.silentGaps.notReplayed']).toBe(0);
  });

  it('a publish missed across a target stop is counted as after a restart', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).open(10, 1);
    b.publish(100, 'a', 1).deliver(105, 1, 'a', 1).publish(200, 'a', 2);
    b.target(210, 'sigkill').close(210, 1, 'error').target(400, 'ready');
    b.open(500, 1, 'a-1').publish(600, 'a', 3).deliver(605, 1, 'a', 3);
    expect(delivery.run(b.build(), testContext())['delivery.silentGaps.afterRestart']).toBe(1);
  });
});

describe('delivery oracle: several instances and a failing log', () => {
  const A = '127.0.0.1:4001';
  const B = '127.0.0.1:4002';
  /** Two instances; subscriber 1 on instance-1 gets a-1, is cut, and a-2, a-3 are published while it is away. */
  function away(): HistoryBuilder {
    const b = new HistoryBuilder().run(0, 5000).instance(0, 'instance-1', A).instance(0, 'instance-2', B);
    b.subscriber(0, 1).openVia(10, 1, A).publish(100, 'a', 1).deliver(105, 1, 'a', 1).close(150, 1, 'error');
    return b.publish(200, 'a', 2).publish(300, 'a', 3);
  }

  it('a subscriber that came back to another instance, which replayed without its events: the replay was per instance', () => {
    const b = away().openVia(500, 1, B, 'a-1').deliver(502, 1, 'a', 3); // a-2 (published via instance-1) left out
    b.publish(600, 'a', 4).deliver(605, 1, 'a', 4);
    const m = delivery.run(b.build(), testContext());
    expect(m).toMatchObject({
      'delivery.silentGaps': 1,
      'delivery.silentGaps.otherInstance': 1,
      'delivery.silentGaps.notReplayed': 0,
    });
  });

  it('a partial replay by the same instance of several is per-instance replay too; with one instance it stays unexplained', () => {
    const b = away().openVia(500, 1, A, 'a-1').deliver(502, 1, 'a', 3);
    expect(delivery.run(b.build(), testContext())['delivery.silentGaps.otherInstance']).toBe(1);
    const single = new HistoryBuilder().run(0, 5000).subscriber(0, 1).open(10, 1);
    single
      .publish(100, 'a', 1)
      .deliver(105, 1, 'a', 1)
      .close(150, 1, 'error')
      .publish(200, 'a', 2)
      .publish(300, 'a', 3);
    single.open(500, 1, 'a-1').deliver(502, 1, 'a', 3);
    const m = delivery.run(single.build(), testContext());
    expect(m).toMatchObject({ 'delivery.silentGaps': 1, 'delivery.silentGaps.otherInstance': 0 });
  });

  it('coming back to another instance without a Last-Event-ID is still "no resume point"', () => {
    const b = away().openVia(500, 1, B, '');
    b.publish(600, 'a', 4).deliver(605, 1, 'a', 4);
    const m = delivery.run(b.build(), testContext());
    expect(m).toMatchObject({
      'delivery.silentGaps.noLastEventId': 2,
      'delivery.silentGaps.otherInstance': 0,
    });
  });

  /** Two subscribers streaming; a Redis fault from 1000 to 2000. */
  function logFault(): HistoryBuilder {
    const b = new HistoryBuilder().run(0, 6000).fleet(0, 2).open(10, 1).open(10, 2);
    b.steady({ topic: 'a', from: 100, everyMs: 100, count: 5, subs: [1, 2], latencyMs: 2 });
    return b.fault(1000, 2000, 'blackhole', { leg: 'redis', params: { direction: 'both' } });
  }

  it('an event acknowledged during a Redis fault that no subscriber received was never stored', () => {
    const b = logFault().publish(1500, 'a', 6); // acknowledged, never delivered to anyone
    b.steady({ topic: 'a', from: 2500, everyMs: 100, count: 3, subs: [1, 2], latencyMs: 2, firstSeq: 7 });
    const m = delivery.run(b.build(), testContext());
    expect(m).toMatchObject({
      'delivery.silentGaps': 2,
      'delivery.silentGaps.inLogFault': 2,
      'delivery.silentGaps.live': 0,
    });
  });

  it('one that some subscriber received was stored: the others lost it for their own reasons', () => {
    const b = logFault().publish(1500, 'a', 6).deliver(1502, 1, 'a', 6);
    b.steady({ topic: 'a', from: 2500, everyMs: 100, count: 3, subs: [1, 2], latencyMs: 2, firstSeq: 7 });
    const m = delivery.run(b.build(), testContext());
    expect(m).toMatchObject({ 'delivery.silentGaps.inLogFault': 0, 'delivery.silentGaps.live': 1 });
  });

  it('the log fault lasts until its clients can have reconnected (logReconnectMs), and also covers a Redis restart', () => {
    const b = logFault().publish(2900, 'a', 6); // 900 ms after the fault ended: still the fault
    b.publish(4000, 'a', 7).deliver(4002, 1, 'a', 7).deliver(4002, 2, 'a', 7);
    expect(delivery.run(b.build(), testContext())['delivery.silentGaps.inLogFault']).toBe(2);
    expect(
      delivery.run(b.build(), testContext({ logReconnectMs: 500 }))['delivery.silentGaps.inLogFault'],
    ).toBe(0);
    const restart = new HistoryBuilder().run(0, 6000).fleet(0, 1).open(10, 1);
    restart
      .redis(1000, 'stop')
      .redis(1100, 'exit')
      .publish(1200, 'a', 1)
      .redis(1500, 'start')
      .redis(1600, 'ready');
    restart.publish(3000, 'a', 2).deliver(3002, 1, 'a', 2);
    expect(delivery.run(restart.build(), testContext())['delivery.silentGaps.inLogFault']).toBe(1);
  });
});

describe('delivery oracle: duplicates and order', () => {
  it('names the duplicate that is the Last-Event-ID event itself', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).open(10, 1);
    b.publish(100, 'a', 1)
      .deliver(105, 1, 'a', 1)
      .publish(120, 'a', 2)
      .deliver(125, 1, 'a', 2)
      .close(150, 1, 'error');
    b.publish(200, 'a', 3).open(300, 1, 'a-2').deliver(301, 1, 'a', 2).deliver(302, 1, 'a', 3);
    const m = delivery.run(b.build(), testContext());
    expect(m).toMatchObject({ 'delivery.duplicates': 1, 'delivery.duplicates.lastEventId': 1 });
  });

  it('names reconnects replayed from before their resume point', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).open(10, 1);
    b.steady({ topic: 'a', from: 100, everyMs: 10, count: 3, subs: [1], latencyMs: 2 }).close(
      150,
      1,
      'error',
    );
    b.open(300, 1, 'a-3').deliver(301, 1, 'a', 1).deliver(302, 1, 'a', 2).deliver(303, 1, 'a', 3);
    const m = delivery.run(b.build(), testContext());
    expect(m).toMatchObject({ 'delivery.duplicates': 3, 'delivery.replaysBeforeResumePoint': 1 });
  });

  it('orders overlapping publishes as the fleet saw them, but never against real time', () => {
    // Publishes 1 and 2 overlap (2 was sent before 1 was acknowledged): either order is fine, if all agree.
    const b = new HistoryBuilder().run(0, 5000).fleet(0, 2).open(10, 1).open(10, 2);
    b.publish(110, 'a', 1, 100).publish(108, 'a', 2, 101);
    b.deliver(120, 1, 'a', 2).deliver(121, 1, 'a', 1).deliver(122, 2, 'a', 2).deliver(123, 2, 'a', 1);
    expect(delivery.run(b.build(), testContext())['delivery.reorders']).toBe(0);
  });

  it('flags subscribers that saw overlapping publishes in different orders', () => {
    const b = new HistoryBuilder().run(0, 5000).fleet(0, 2).open(10, 1).open(10, 2);
    b.publish(110, 'a', 1, 100).publish(108, 'a', 2, 101);
    b.deliver(120, 1, 'a', 2).deliver(121, 1, 'a', 1).deliver(122, 2, 'a', 1).deliver(123, 2, 'a', 2);
    const m = delivery.run(b.build(), testContext());
    expect(m).toMatchObject({
      'delivery.reorders': 2,
      'delivery.reorders.inconsistent': 2,
      'delivery.reorders.realTime': 0,
    });
  });

  it('flags an event that arrived after one published only after it was acknowledged', () => {
    const b = new HistoryBuilder().run(0, 5000).fleet(0, 1).open(10, 1);
    b.publish(100, 'a', 1, 90).publish(200, 'a', 2, 150); // 2 was sent after 1 was acknowledged
    b.deliver(210, 1, 'a', 2).deliver(211, 1, 'a', 1);
    expect(delivery.run(b.build(), testContext())['delivery.reorders.realTime']).toBe(1);
  });
});

describe('delivery oracle: a loss never looks like a reorder', () => {
  it('a subscriber that missed an event others got later (by replay) still saw one order', () => {
    // Sub 1 misses seq 2 live; sub 2 gets 1, 3 live and 2 only later by replay: both orders agree.
    const b = new HistoryBuilder().run(0, 5000).fleet(0, 2).open(10, 1).open(10, 2);
    b.publish(100, 'a', 1).publish(200, 'a', 2).publish(300, 'a', 3);
    b.deliver(105, 1, 'a', 1).deliver(305, 1, 'a', 3);
    b.deliver(106, 2, 'a', 1)
      .close(150, 2, 'error')
      .open(400, 2, 'a-1')
      .deliver(401, 2, 'a', 2)
      .deliver(402, 2, 'a', 3);
    const m = delivery.run(b.build(), testContext());
    expect(m['delivery.reorders']).toBe(0);
    expect(m['delivery.silentGaps']).toBe(1);
  });
});

describe('delivery oracle: only this run is judged', () => {
  it('counts foreign and undecodable events apart and judges neither', () => {
    const b = new HistoryBuilder().run(0, 5000).subscriber(0, 1).open(10, 1);
    b.add({ kind: 'event', t: 20, sub: 1, id: 'old-1', type: 'message', bytes: 10, payload: 'foreign' });
    b.add({ kind: 'event', t: 21, sub: 1, id: 'x', type: 'message', bytes: 10, payload: 'undecodable' });
    b.add({ kind: 'event', t: 22, sub: 1, id: 'p', type: 'ping', bytes: 10, payload: 'undecodable' });
    b.publish(100, 'a', 1).deliver(105, 1, 'a', 1);
    const m = delivery.run(b.build(), testContext());
    expect(m).toMatchObject({
      'delivery.foreign': 1,
      'delivery.undecodable': 1, // the server's own `ping` events are not ours to decode
      'delivery.events': 1,
      'delivery.duplicates': 0,
      'delivery.silentGaps': 0,
    });
  });
});
