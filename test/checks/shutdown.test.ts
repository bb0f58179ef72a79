import { describe, it, expect } from 'vitest';
import { shutdown } from '../../harness/checks/shutdown.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext({ graceMs: 2000 });

/** Three streams open at a SIGTERM at t=5000. */
function terminating(): HistoryBuilder {
  return new HistoryBuilder()
    .run(0, 20_000)
    .fleet(0, 3)
    .open(0, 1)
    .open(0, 2)
    .open(0, 3)
    .target(5000, 'sigterm');
}

describe('shutdown check', () => {
  it('passes streams that got a retry hint and ended within the grace period', () => {
    const b = terminating();
    for (const sub of [1, 2, 3])
      b.retry(5000 + sub * 100, sub, 1000 + sub * 300).close(5000 + sub * 100 + 1, sub, 'eof');
    expect(shutdown.run(b.build(), ctx)).toMatchObject({
      'shutdown.openAtSigterm': 3,
      'shutdown.streamsEnded': 3,
      'shutdown.streamsWithRetryHint': 3,
      'shutdown.withoutHint': 0,
      'shutdown.endedWithinGraceRatio': 1,
    });
  });

  it('counts streams ended without a hint, and streams still open after the grace period', () => {
    const b = terminating();
    b.retry(5100, 1, 1500).close(5101, 1, 'eof'); // good
    b.close(5050, 2, 'eof'); // ended, no hint
    b.retry(5100, 3, 1500).close(9000, 3, 'error'); // hinted but cut only after 4 s
    b.retry(1, 1, 1000); // a hint before the SIGTERM does not count
    expect(shutdown.run(b.build(), ctx)).toMatchObject({
      'shutdown.openAtSigterm': 3,
      'shutdown.streamsEnded': 2,
      'shutdown.streamsWithRetryHint': 1,
      'shutdown.withoutHint': 2,
      'shutdown.endedWithinGraceRatio': 0.667,
    });
  });

  it('ignores streams that closed before the SIGTERM or opened after it', () => {
    const b = new HistoryBuilder()
      .run(0, 20_000)
      .fleet(0, 2)
      .open(0, 1)
      .close(100, 1)
      .target(5000, 'sigterm');
    b.open(7000, 2);
    expect(shutdown.run(b.build(), ctx)['shutdown.openAtSigterm']).toBe(0);
  });

  it('is not applicable without a target stop', () => {
    const m = shutdown.run(new HistoryBuilder().run(0, 1000).build(), ctx);
    expect(m['shutdown.withoutHint']).toBeNull();
    expect(m['shutdown.lostAcknowledged']).toBeNull();
  });

  it('counts acknowledged publishes a subscriber missed across a crash as lost, even if another got them', () => {
    const b = new HistoryBuilder().run(0, 20_000).fleet(0, 2).open(0, 1).open(0, 2);
    b.steady({ topic: 'a', from: 100, everyMs: 100, count: 3, subs: [1, 2], latencyMs: 2 });
    b.publish(400, 'a', 4).publish(401, 'a', 5); // acknowledged, then the crash
    b.target(402, 'sigkill').close(402, 1, 'error').close(402, 2, 'error');
    b.target(1000, 'restart').target(1500, 'ready');
    b.open(1600, 1, 'a-3').open(1600, 2, 'a-3').deliver(1602, 1, 'a', 5); // seq 4 gone; 5 reached sub 1 only
    const m = shutdown.run(b.build(), ctx);
    expect(m['shutdown.lostAcknowledged']).toBe(2);
    expect(m['shutdown.openAtSigterm']).toBeNull();
  });

  it('does not count a publish as lost when a reset declared it gone and the target owed no more', () => {
    const b = new HistoryBuilder().run(0, 20_000).subscriber(0, 1).open(0, 1).publish(100, 'a', 1);
    b.target(150, 'sigkill').close(150, 1, 'error').target(500, 'ready').open(600, 1, 'a-0').reset(601, 1);
    // No retention declared: the reset cannot be judged.
    expect(shutdown.run(b.build(), ctx)['shutdown.lostAcknowledged']).toBe(0);
    // A log declared not durable may lose everything in a crash: the reset was owed.
    const volatile = testContext({ graceMs: 2000, retention: { events: 100 }, durable: false });
    expect(shutdown.run(b.build(), volatile)['shutdown.lostAcknowledged']).toBe(0);
  });

  it('counts a reset after a crash as a loss when the log is declared durable and its retention covered it', () => {
    const b = new HistoryBuilder().run(0, 20_000).subscriber(0, 1).open(0, 1);
    b.publish(50, 'a', 1).deliver(55, 1, 'a', 1).close(60, 1, 'error');
    b.publish(100, 'a', 2).target(150, 'sigkill').target(500, 'ready');
    b.open(600, 1, 'a-1').reset(601, 1);
    const durable = testContext({ graceMs: 2000, retention: { events: 100 }, durable: true });
    const m = shutdown.run(b.build(), durable);
    expect(m['shutdown.lostAcknowledged']).toBe(1);
  });

  it('judges a SIGTERM to one instance of several on the streams that instance served', () => {
    const b = new HistoryBuilder()
      .run(0, 20_000)
      .instance(0, 'instance-1', '127.0.0.1:4001')
      .instance(0, 'instance-2', '127.0.0.1:4002')
      .fleet(0, 3)
      .openVia(0, 1, '127.0.0.1:4001')
      .openVia(0, 2, '127.0.0.1:4001')
      .openVia(0, 3, '127.0.0.1:4002')
      .target(5000, 'sigterm', 'instance-1');
    b.retry(5100, 1, 1200).close(5101, 1, 'eof').retry(5200, 2, 1400).close(5201, 2, 'eof');
    // Subscriber 3's stream on instance-2 goes on: neither judged nor counted against the drain.
    expect(shutdown.run(b.build(), ctx)).toMatchObject({
      'shutdown.openAtSigterm': 2,
      'shutdown.withoutHint': 0,
      'shutdown.endedWithinGraceRatio': 1,
    });
  });
});
