import { describe, it, expect } from 'vitest';
import type { ClientProfileName } from '../../harness/history/records.ts';
import { reconnect, peakInWindow } from '../../harness/checks/reconnect.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext({ faultSlackMs: 0, browserDefaultRetryMs: 3000, backoffCapMs: 2000 });

/** `n` subscribers streaming from t=0, all cut at `cutT`, each reconnecting `delay(i)` later. */
function massCut(
  n: number,
  cutT: number,
  delay: (i: number) => number,
  profile: ClientProfileName = 'browser',
): HistoryBuilder {
  const b = new HistoryBuilder().run(0, 60_000).fleet(0, n, { profile });
  for (let sub = 1; sub <= n; sub++) b.open(0, sub);
  b.fault(cutT, cutT + 10, 'cut', { leg: 'edge' });
  for (let sub = 1; sub <= n; sub++) {
    b.close(cutT, sub, 'eof').wait(cutT, sub, delay(sub), profile);
    b.open(cutT + 10 + delay(sub), sub, 'x').heartbeat(cutT + 500 + delay(sub), sub);
  }
  return b;
}

describe('reconnect check', () => {
  it('peakInWindow counts the most times inside any half-open window', () => {
    expect(peakInWindow([], 1000)).toBe(0);
    expect(peakInWindow([0, 999, 1000, 1500, 1999], 1000)).toBe(3);
    expect(peakInWindow([0, 1, 2, 999, 1000], 1000)).toBe(4);
    expect(peakInWindow([0, 1000, 2000], 1000)).toBe(1);
  });

  it('sees a storm when retry-obeying clients cut at once come back at once', () => {
    const m = reconnect.run(massCut(20, 5000, (i) => i).build(), ctx);
    expect(m['reconnect.attempts']).toBe(20);
    expect(m['reconnect.peakPerSec']).toBe(20);
    expect(m['reconnect.herdFraction']).toBe(1);
    expect(m['reconnect.herdSubscribers']).toBe(20);
    expect(m['reconnect.spreadMs']).toBeLessThan(50);
  });

  it('sees no storm when jitter spreads them over seconds, and measures the spread', () => {
    const m = reconnect.run(massCut(20, 5000, (i) => i * 200).build(), ctx); // 200..4000 ms
    expect(m['reconnect.herdFraction']).toBe(0.05);
    expect(m['reconnect.spreadMs']).toBeGreaterThanOrEqual(2800);
  });

  it('judges storms on the clients that obey retry: the backoff profile neither makes nor dilutes a herd', () => {
    // 20 browsers back at once, 60 backoff clients spread out: still a herd of browsers.
    const b = massCut(20, 5000, () => 3);
    b.fleet(0, 60, { profile: 'backoff' }, 21);
    for (let sub = 21; sub <= 80; sub++) {
      b.open(0, sub)
        .close(5000, sub, 'eof')
        .wait(5000, sub, (sub - 20) * 30, 'backoff');
      b.open(5010 + (sub - 20) * 30, sub, 'x');
    }
    const m = reconnect.run(b.build(), ctx);
    expect(m['reconnect.herdFraction']).toBe(1);
    expect(m['reconnect.herdSubscribers']).toBe(20);
    // A fleet of backoff clients only has no retry-obeying herd to judge.
    expect(
      reconnect.run(massCut(20, 5000, () => 3, 'backoff').build(), ctx)['reconnect.herdFraction'],
    ).toBeNull();
  });

  it('needs no anchor: the cut is found from the closes themselves', () => {
    const b = new HistoryBuilder().run(0, 60_000).fleet(0, 20);
    for (let sub = 1; sub <= 20; sub++)
      b.open(0, sub)
        .close(3000 + sub * 10, sub, 'stalled')
        .open(4200, sub, 'x');
    const m = reconnect.run(b.build(), ctx);
    expect(m['reconnect.herdFraction']).toBe(1);
  });

  it('counts reconnects the same with 0-based attempt numbers', () => {
    const zeroBased = massCut(20, 5000, (i) => i)
      .build()
      .map((r) => (r.kind === 'connect' ? { ...r, attempt: r.attempt - 1 } : r));
    const m = reconnect.run(zeroBased, ctx);
    expect(m['reconnect.attempts']).toBe(20);
    expect(m['reconnect.peakPerSec']).toBe(20);
  });

  it('measures the herd within the absolute storm window', () => {
    const c = testContext({ stormWindowMs: 100 });
    expect(reconnect.run(massCut(20, 5000, () => 3).build(), c)['reconnect.herdFraction']).toBe(1);
    expect(reconnect.run(massCut(20, 5000, (i) => i * 50).build(), c)['reconnect.herdFraction']).toBe(0.1);
  });

  it('names the most frequent error status', () => {
    const b = new HistoryBuilder().run(0, 5000).fleet(0, 1);
    b.connect(0, 1).response(1, 1, 502, 'text/html').connect(10, 1).response(11, 1, 502, 'text/html');
    b.connect(20, 1).response(21, 1, 503, 'text/html');
    const m = reconnect.run(b.build(), ctx);
    expect(m['reconnect.errorResponses']).toBe(3);
    expect(m['reconnect.topErrorStatus']).toBe(502);
  });

  it('does not take one client retrying quickly during an outage for a herd', () => {
    const b = new HistoryBuilder().run(0, 20_000).fleet(0, 10);
    for (let sub = 1; sub <= 10; sub++) b.open(0, sub);
    b.close(1000, 1, 'error');
    for (let i = 0; i < 8; i++) b.connect(1000 + i * 100, 1).close(1001 + i * 100, 1, 'error'); // 8 tries in 0.8 s
    const m = reconnect.run(b.build(), ctx);
    expect(m['reconnect.peakPerSec']).toBe(8);
    expect(m['reconnect.herdFraction']).toBeNull();
  });

  it('leaves the initial ramp (each first connect) out of storms', () => {
    const b = new HistoryBuilder().run(0, 5000).fleet(0, 50);
    for (let sub = 1; sub <= 50; sub++) b.open(sub, sub);
    const m = reconnect.run(b.build(), ctx);
    expect(m['reconnect.connects']).toBe(50);
    expect(m['reconnect.attempts']).toBe(0);
    expect(m['reconnect.peakPerSec']).toBe(0);
    expect(m['reconnect.recoveryMs']).toBeNull();
  });

  it('judges delays against each profile: browser = last retry hint (or default), backoff = [0, cap]', () => {
    const b = new HistoryBuilder()
      .run(0, 60_000)
      .subscriber(0, 1, { profile: 'browser' })
      .subscriber(0, 2, { profile: 'browser' });
    b.subscriber(0, 3, { profile: 'backoff' });
    b.open(0, 1).retry(2, 1, 1500).close(100, 1).wait(100, 1, 1500); // ok
    b.open(2000, 1).close(2100, 1).wait(2100, 1, 3000); // retry persists: 3000 is wrong
    b.open(0, 2).close(100, 2).wait(100, 2, 3000); // default: ok
    b.open(0, 3).close(100, 3).wait(100, 3, 0, 'backoff').wait(200, 3, 2000, 'backoff'); // ok, ok
    b.wait(300, 3, 2500, 'backoff').wait(400, 3, -1, 'backoff'); // over the cap, negative
    const m = reconnect.run(b.build(), ctx);
    expect(m['reconnect.policyViolations']).toBe(3);
    expect(m['reconnect.delayP50.browser']).toBe(3000);
    expect(m['reconnect.delayP50.backoff']).toBe(0); // nearest rank of [-1, 0, 2000, 2500]
  });

  it('measures recovery: after a fault, until the slowest subscriber has a healthy stream again', () => {
    const b = new HistoryBuilder().run(0, 60_000).fleet(0, 3);
    b.open(0, 1).open(0, 2).open(0, 3);
    b.fault(1000, 3000, 'blackhole', { leg: 'edge' });
    b.close(3005, 1, 'error').open(3200, 1).heartbeat(3300, 1); // streaming again 200 ms after
    b.close(3005, 2, 'error').open(4499, 2).heartbeat(4600, 2); // 1500 ms after (its response at 4500)
    b.heartbeat(3400, 3).heartbeat(4400, 3); // its stream survived: back at its next byte
    const m = reconnect.run(b.build(), ctx);
    expect(m['reconnect.recoveryMs']).toBe(1500);
    expect(m['reconnect.unrecovered']).toBe(0);
  });

  it('does not count a stream that dies right after the fault as a recovery', () => {
    const c = testContext({ faultSlackMs: 250 });
    const b = new HistoryBuilder().run(0, 60_000).fleet(0, 1).open(0, 1);
    b.fault(1000, 3000, 'blackhole', { leg: 'edge' });
    b.heartbeat(3001, 1).close(3010, 1, 'error'); // undoing the blackhole closed it
    b.open(4000, 1).heartbeat(4100, 1).heartbeat(5100, 1);
    expect(reconnect.run(b.build(), c)['reconnect.recoveryMs']).toBe(1001); // its next stream's response
  });

  it('reports subscribers that never stream again, and leaves out those that gave up', () => {
    const b = new HistoryBuilder().run(0, 10_000).fleet(0, 3);
    b.open(0, 1).open(0, 2).open(0, 3).fault(1000, 2000, 'cut');
    b.close(1000, 1).close(1000, 2).close(1000, 3);
    b.open(2100, 1).heartbeat(2200, 1);
    b.connect(2100, 2).response(2101, 2, 503, 'text/html').close(2101, 2, 'http-status').giveUp(2101, 2);
    // sub 3 keeps failing until the end
    const m = reconnect.run(b.build(), ctx);
    expect(m['reconnect.gaveUp']).toBe(1);
    expect(m['reconnect.unrecovered']).toBe(1);
    expect(m['reconnect.recoveryMs']).toBe(8000); // the run ended 8 s after the fault: a lower bound
  });

  it('ignores mass cuts too small to judge a herd or a spread (fewer than spreadMinSubscribers)', () => {
    const m = reconnect.run(massCut(19, 5000, () => 3).build(), ctx);
    expect(m['reconnect.herdFraction']).toBeNull();
    expect(m['reconnect.spreadMs']).toBeNull();
    expect(m['reconnect.herdSubscribers']).toBeNull();
  });

  describe('queued attempts (a browser context over its HTTP/1.1 connection limit)', () => {
    /** Seven tabs of one browser context: six stream from t=0, the 7th connects and hears nothing. */
    function sevenTabs(o: { client?: string; seventhAnswersAt?: number; fault?: boolean } = {}) {
      const client = o.client ?? 'ctx';
      const b = new HistoryBuilder().run(0, 10_000).fleet(0, 7, { profile: 'chromium', client });
      for (let sub = 1; sub <= 6; sub++) b.open(0, sub);
      b.connect(100, 7);
      if (o.fault) b.fault(50, 5000, 'blackhole', { leg: 'edge' });
      if (o.seventhAnswersAt !== undefined) b.response(o.seventhAnswersAt, 7);
      else b.close(9000, 7, 'aborted');
      return b;
    }

    it('counts a connect left unanswered while its context streams to the same origin, with the wait and the streams it waited behind', () => {
      const m = reconnect.run(sevenTabs().build(), ctx);
      expect(m['reconnect.queuedAttempts']).toBe(1);
      expect(m['reconnect.queuedMaxMs']).toBe(8900);
      expect(m['reconnect.queuedBehindStreams']).toBe(6);
    });

    it('a slow answer (under queueMinMs) is no queue, nor is a wait alone (no stream of its client open)', () => {
      expect(
        reconnect.run(sevenTabs({ seventhAnswersAt: 1500 }).build(), ctx)['reconnect.queuedAttempts'],
      ).toBe(0);
      const alone = new HistoryBuilder().run(0, 10_000).fleet(0, 1, { profile: 'chromium', client: 'ctx' });
      alone.connect(100, 1).close(9000, 1, 'aborted');
      expect(reconnect.run(alone.build(), ctx)['reconnect.queuedAttempts']).toBe(0);
    });

    it('subscribers with connections of their own (no client: the model) never queue behind each other', () => {
      const b = new HistoryBuilder().run(0, 10_000).fleet(0, 7);
      for (let sub = 1; sub <= 6; sub++) b.open(0, sub);
      b.connect(100, 7).close(9000, 7, 'aborted'); // e.g. a buffering proxy holding the response
      const m = reconnect.run(b.build(), ctx);
      expect(m['reconnect.queuedAttempts']).toBe(0);
      expect(m['reconnect.queuedMaxMs']).toBeNull();
    });

    it('a wait inside a disruption of the subscriber (a blackhole) is the fault, not a queue', () => {
      expect(reconnect.run(sevenTabs({ fault: true }).build(), ctx)['reconnect.queuedAttempts']).toBe(0);
    });
  });
});
