import { describe, it, expect } from 'vitest';
import { DEFAULT_SLOS, defaultSlos } from '../../harness/slo/defaults.ts';
import { evaluateSlos } from '../../harness/slo/evaluate.ts';
import { verdictFor } from '../../harness/slo/verdict.ts';
import { runChecks } from '../../harness/checks/registry.ts';
import { checkContext } from '../../harness/checks/context.ts';
import { HistoryBuilder } from '../checks/build-history.ts';

const ctx = checkContext();

/** A healthy run: two subscribers, steady publishes, heartbeats every 1 s, clean end. */
function healthy(): HistoryBuilder {
  const b = new HistoryBuilder().run(0, 10_000).fleet(0, 2).open(0, 1).open(0, 2);
  b.metrics(0, 'before', { sse_active_connections: 0 });
  b.steady({ topic: 'a', from: 100, everyMs: 100, count: 80, subs: [1, 2], latencyMs: 4 });
  for (let t = 1000; t <= 9000; t += 1000) b.heartbeat(t, 1).heartbeat(t, 2);
  b.phase(8200, 'workload-end').phase(9500, 'drained');
  b.close(9600, 1, 'aborted').close(9600, 2, 'aborted');
  return b.metrics(9700, 'after', { sse_active_connections: 0 });
}

function judge(b: HistoryBuilder) {
  const results = evaluateSlos(DEFAULT_SLOS, runChecks(b.build(), ctx));
  return {
    results,
    failed: results.filter((r) => !r.pass).map((r) => r.name),
    byName: new Map(results.map((r) => [r.name, r])),
  };
}

describe('default SLOs', () => {
  it('have unique names and judge measurements the checks really emit', () => {
    const keys = new Set(Object.keys(runChecks([], ctx)));
    expect(new Set(DEFAULT_SLOS.map((s) => s.name)).size).toBe(DEFAULT_SLOS.length);
    expect(DEFAULT_SLOS.filter((s) => !keys.has(s.measurement)).map((s) => s.name)).toEqual([]);
  });

  it('pass a healthy run', () => {
    const { failed } = judge(healthy());
    expect(failed).toEqual([]);
  });

  it('derive timing thresholds from the scenario timing', () => {
    const slos = defaultSlos({ heartbeatMs: 2000 });
    expect(slos.find((s) => s.name === 'heartbeat-silence')!.threshold).toBe(5000);
  });

  it('diagnose every failure in plain words even from empty measurements', () => {
    for (const s of DEFAULT_SLOS) expect(s.diagnose({}).length).toBeGreaterThan(40);
  });

  it('catch a lost event and say what to fix', () => {
    const b = healthy();
    b.publish(8150, 'a', 999).deliver(8160, 1, 'a', 999); // sub 2 never gets it
    const { failed, byName } = judge(b);
    expect(failed).toEqual(['no-silent-loss']);
    expect(byName.get('no-silent-loss')!.diagnosis).toMatch(
      /1 acknowledged events never reached 1 subscriber/,
    );
  });

  it('catch a buffering proxy: bursts of ~4 KiB, with the nginx fix', () => {
    const b = new HistoryBuilder()
      .run(0, 10_000)
      .subscriber(0, 1)
      .connect(0, 1)
      .response(1000, 1)
      .firstByte(1000, 1, 1000);
    for (let s = 1; s <= 40; s++) {
      b.publish(1000 + s * 100, 'a', s, 1000 + s * 100);
      b.deliver(1001 + Math.ceil(s / 10) * 1000 + ((s - 1) % 10) * 0.1, 1, 'a', s, { bytes: 410 });
    }
    const { failed, byName } = judge(b);
    expect(failed).toContain('no-proxy-buffering');
    expect(byName.get('no-proxy-buffering')!.diagnosis).toMatch(
      /bursts of ~4 KiB.*proxy_buffering off.*X-Accel-Buffering: no/,
    );
    expect(verdictFor(judge(b).results, failed).asExpected).toBe(true);
    // the last, unflushed burst never arrives: the loss diagnosis points at the buffer too
    b.publish(9000, 'a', 41, 9000);
    expect(judge(b).byName.get('no-silent-loss')!.diagnosis).toMatch(/held in a proxy buffer/);
  });

  it('catch idle cuts and name the read timeout', () => {
    const b = new HistoryBuilder().run(0, 20_000).fleet(0, 2);
    b.open(0, 1).close(3001, 1, 'error').open(4000, 1).close(7001, 1, 'error');
    b.open(0, 2).close(3001, 2, 'eof');
    const { byName } = judge(b);
    const cut = byName.get('no-idle-cuts')!;
    expect(cut).toMatchObject({ pass: false, measured: 3 });
    expect(cut.diagnosis).toMatch(/after ~3000 ms of silence.*proxy_read_timeout.*heartbeats at most half/);
    expect(byName.get('heartbeat-silence')!.pass).toBe(false);
  });

  it('catch a shutdown without retry hints', () => {
    const b = healthy();
    b.target(5000, 'sigterm')
      .close(5001, 1, 'eof')
      .retry(5002, 2, 1700)
      .close(5003, 2, 'eof')
      .target(6000, 'ready');
    const { byName } = judge(b);
    expect(byName.get('graceful-shutdown')).toMatchObject({ pass: false, measured: 1 });
    expect(byName.get('graceful-shutdown')!.diagnosis).toMatch(/1 of 2 streams open at SIGTERM/);
  });

  it('catch a reconnect storm with the jitter fix', () => {
    const b = new HistoryBuilder().run(0, 20_000).fleet(0, 20);
    for (let sub = 1; sub <= 20; sub++) b.open(0, sub);
    b.fault(5000, 5001, 'cut');
    for (let sub = 1; sub <= 20; sub++)
      b.close(5000, sub)
        .wait(5000, sub, 3000)
        .open(8000 + sub, sub)
        .heartbeat(8100, sub);
    const { byName } = judge(b);
    expect(byName.get('no-reconnect-storm')!.pass).toBe(false);
    expect(byName.get('reconnect-jitter')!.pass).toBe(false);
    expect(byName.get('no-reconnect-storm')!.diagnosis).toMatch(/retry:.*jitter/);
  });
});
