import { describe, it, expect } from 'vitest';
import { heartbeat } from '../../harness/checks/heartbeat.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext({ heartbeatMs: 1000, faultSlackMs: 100 });

/** A subscriber opened at 0 with heartbeats at the given times. */
function beating(times: number[], sub = 1, b = new HistoryBuilder().run(0, 20_000)): HistoryBuilder {
  b.subscriber(0, sub).open(0, sub);
  for (const t of times) b.heartbeat(t, sub);
  return b;
}

describe('heartbeat check', () => {
  it('finds the longest silence between any bytes of an open stream', () => {
    const b = beating([1000, 2000, 3000, 6000]).close(6500, 1, 'aborted');
    const m = heartbeat.run(b.build(), ctx);
    expect(m['heartbeat.maxSilenceMs']).toBe(3000);
    expect(m['heartbeat.maxSilenceOutsideFaultMs']).toBe(3000);
    expect(m['heartbeat.count']).toBe(4);
    expect(m['heartbeat.idleCuts']).toBe(0); // 'aborted' is the harness, not an intermediary
  });

  it('events and retry fields break the silence too', () => {
    const b = beating([500])
      .retry(1500, 1, 1000)
      .publish(2400, 'a', 1)
      .deliver(2500, 1, 'a', 1)
      .heartbeat(3500, 1);
    expect(heartbeat.run(b.build(), ctx)['heartbeat.maxSilenceMs']).toBe(1000);
  });

  it('leaves silences that touch a fault window out of the outside-fault maximum', () => {
    const b = beating([1000, 2000, 7000, 8000]).fault(2500, 6000, 'blackhole', { leg: 'edge' });
    const m = heartbeat.run(b.build(), ctx);
    expect(m['heartbeat.maxSilenceMs']).toBe(5000);
    expect(m['heartbeat.maxSilenceOutsideFaultMs']).toBe(1000);
  });

  it('a fault on the other lane does not excuse a silence', () => {
    const b = beating([1000, 2000, 7000]).fault(2500, 6000, 'blackhole', { leg: 'edge-b' });
    expect(heartbeat.run(b.build(), ctx)['heartbeat.maxSilenceOutsideFaultMs']).toBe(5000);
  });

  it('counts an eof/error on a quiet stream with no fault as an idle cut, with its silence', () => {
    const b = new HistoryBuilder().run(0, 20_000);
    beating([], 1, b).close(3000, 1, 'error'); // cut after 3 s of silence
    beating([], 2, b).close(3000, 2, 'eof');
    const m = heartbeat.run(b.build(), ctx);
    expect(m['heartbeat.idleCuts']).toBe(2);
    expect(m['heartbeat.idleCutSilenceP50Ms']).toBe(2999);
    expect(m['heartbeat.maxSilenceMs']).toBe(2999);
  });

  it('does not count cuts caused by a fault, a target stop, or teardown after drained', () => {
    const b = new HistoryBuilder().run(0, 20_000);
    beating([], 1, b).close(2000, 1, 'error').fault(1500, 2500, 'cut');
    beating([], 2, b).close(2550, 2, 'eof'); // within faultSlackMs of the fault's end
    beating([], 3, b).close(4100, 3, 'eof').target(4000, 'sigterm').target(4500, 'ready');
    beating([], 4, b).close(9100, 4, 'eof').phase(9000, 'drained');
    beating([], 5, b).close(3000, 5, 'stalled'); // the watchdog's own decision
    expect(heartbeat.run(b.build(), ctx)['heartbeat.idleCuts']).toBe(0);
  });
});
