import { describe, it, expect } from 'vitest';
import { defaultSlos, SLO_NAMES } from '../../harness/slo/defaults.ts';
import { evaluateSlos } from '../../harness/slo/evaluate.ts';
import type { ScenarioFeatures } from '../../harness/slo/spec.ts';
import { runChecks } from '../../harness/checks/registry.ts';
import { isMeasurementKey } from '../../harness/checks/keys.ts';
import { HistoryBuilder, testContext } from '../checks/build-history.ts';

const ctx = testContext({ retention: { events: 1000 }, durable: true });
const budgets = { maxReconnectWaitMs: 2000, minAcknowledged: 10, minWindowEvents: 10 };
const DEFAULTS = defaultSlos(ctx, budgets);
const ALL: ScenarioFeatures = {
  faults: true,
  latencyFault: true,
  massCut: true,
  retryObeyingClients: true,
  realBrowsers: true,
  sigterm: true,
  targetStop: true,
  durable: true,
  retention: true,
  gapExpected: false,
};
const NONE: ScenarioFeatures = Object.fromEntries(
  Object.keys(ALL).map((k) => [k, false]),
) as unknown as ScenarioFeatures;

/** A healthy run: two subscribers, steady publishes, heartbeats every 1 s, clean end. */
function healthy(): HistoryBuilder {
  const b = new HistoryBuilder().run(0, 10_000).fleet(0, 2).open(0, 1).open(0, 2).phase(50, 'workload-start');
  b.metrics(0, 'before', { sse_active_connections: 0 });
  b.steady({ topic: 'a', from: 100, everyMs: 100, count: 80, subs: [1, 2], latencyMs: 4 });
  for (let t = 1000; t <= 9000; t += 1000) b.heartbeat(t, 1).heartbeat(t, 2);
  b.phase(8200, 'workload-end').phase(9500, 'drained');
  b.close(9600, 1, 'aborted').close(9600, 2, 'aborted');
  return b.metrics(9700, 'after', { sse_active_connections: 0 });
}

/** The SLOs a scenario without faults judges, evaluated on a history. */
function judge(b: HistoryBuilder, features: ScenarioFeatures = NONE) {
  const specs = DEFAULTS.filter((s) => s.appliesTo?.(features) ?? true);
  const results = evaluateSlos(specs, runChecks(b.build(), ctx));
  return {
    results,
    failed: results.filter((r) => !r.pass).map((r) => r.name),
    byName: new Map(results.map((r) => [r.name, r])),
  };
}

describe('default SLOs', () => {
  it('have unique names and judge (and rest on) measurements that exist', () => {
    expect(new Set(DEFAULTS.map((s) => s.name)).size).toBe(DEFAULTS.length);
    expect(DEFAULTS.map((s) => s.name)).toEqual(SLO_NAMES);
    for (const s of DEFAULTS) {
      expect(isMeasurementKey(s.measurement), s.name).toBe(true);
      if (s.evidence) expect(isMeasurementKey(s.evidence), s.name).toBe(true);
    }
  });

  it('pass a healthy run', () => {
    const { failed } = judge(healthy());
    expect(failed).toEqual([]);
  });

  it('judge the heartbeat against what the target declared', () => {
    const slos = defaultSlos(testContext({ heartbeatMs: 2000 }), budgets);
    expect(slos.find((s) => s.name === 'heartbeat-silence')!.threshold).toBe(5000);
  });

  it('keep storm and jitter thresholds absolute, whatever the target declares', () => {
    const a = defaultSlos(testContext({ heartbeatMs: 500 }), { ...budgets, maxReconnectWaitMs: 100 });
    const b = defaultSlos(testContext({ heartbeatMs: 5000 }), { ...budgets, maxReconnectWaitMs: 60_000 });
    for (const name of ['no-reconnect-storm', 'reconnect-jitter', 'latency-in-fault']) {
      expect(a.find((s) => s.name === name)!.threshold).toBe(b.find((s) => s.name === name)!.threshold);
    }
  });

  it('apply only where the scenario gives them something to judge', () => {
    const applicable = (f: ScenarioFeatures) =>
      DEFAULTS.filter((s) => s.appliesTo?.(f) ?? true).map((s) => s.name);
    expect(applicable(NONE)).not.toContain('graceful-shutdown');
    expect(applicable(NONE)).not.toContain('no-reconnect-storm');
    expect(applicable(NONE)).toContain('no-silent-loss');
    expect(applicable({ ...ALL, durable: false })).not.toContain('nothing-lost-on-restart');
    expect(applicable(ALL)).toEqual(
      expect.arrayContaining(['graceful-shutdown', 'nothing-lost-on-restart', 'latency-in-fault']),
    );
    expect(applicable({ ...NONE, gapExpected: true })).toContain('gap-declared');
    // Failover time needs one instance of several stopped: a whole-target restart has no failover.
    expect(applicable(ALL)).not.toContain('failover-time');
    expect(applicable({ ...ALL, instanceStop: true })).toContain('failover-time');
  });

  it('diagnose every failure in plain words even from empty measurements', () => {
    for (const s of DEFAULTS) expect(s.diagnose({}).length).toBeGreaterThan(40);
  });

  it('fail a run that rests on nothing: no acknowledged publish, no open subscriber', () => {
    const b = new HistoryBuilder().run(0, 5000).fleet(0, 2).phase(0, 'workload-start');
    b.connect(10, 1).response(11, 1, 404, 'text/html').connect(10, 2).response(11, 2, 404, 'text/html');
    for (let i = 1; i <= 20; i++)
      b.add({
        kind: 'publish-error',
        t: 100 * i,
        seq: i,
        topic: 'a',
        sentAt: 100 * i - 1,
        error: 'HTTP 500',
      });
    b.phase(4000, 'workload-end');
    const { failed } = judge(b);
    expect(failed).toEqual(
      expect.arrayContaining([
        'publishes-acknowledged',
        'subscribers-opened',
        'judged-windows',
        'no-silent-loss',
        'latency-p99',
      ]),
    );
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
    // the last, unflushed burst never arrives: the loss diagnosis points at the buffer too
    b.publish(9000, 'a', 41, 9000);
    expect(judge(b).byName.get('no-silent-loss')!.diagnosis).toMatch(
      /still held in a buffer.*proxy_buffering off/,
    );
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
    const { byName } = judge(b, { ...NONE, sigterm: true });
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
    const { byName } = judge(b, { ...NONE, faults: true, massCut: true, retryObeyingClients: true });
    expect(byName.get('no-reconnect-storm')!.pass).toBe(false);
    expect(byName.get('reconnect-jitter')!.pass).toBe(false);
    expect(byName.get('no-reconnect-storm')!.diagnosis).toMatch(
      /same `retry:` to every client, with no jitter/,
    );
  });

  it('name the cause of a loss: a slow client skipped on its live stream', () => {
    const b = healthy();
    b.publish(8150, 'a', 999).deliver(8160, 1, 'a', 999).publish(8170, 'a', 1000); // sub 2 skips 999
    b.deliver(8175, 1, 'a', 1000).deliver(8176, 2, 'a', 1000);
    expect(judge(b).byName.get('no-silent-loss')!.diagnosis).toMatch(
      /skipped on streams that stayed open.*slow client/,
    );
  });

  it('name the cause of duplicates: the replay starts at the Last-Event-ID', () => {
    const b = healthy();
    b.close(8300, 2, 'error').open(8400, 2, 'a-80').deliver(8401, 2, 'a', 80);
    const d = judge(b).byName.get('no-duplicates')!;
    expect(d.pass).toBe(false);
    expect(d.diagnosis).toMatch(/the Last-Event-ID event itself.*strictly after it/);
  });

  it('name the cause of a needless reset: the declared retention still held the events', () => {
    const b = healthy().subscriber(0, 3).open(0, 3).heartbeat(8000, 3);
    for (let seq = 1; seq <= 29; seq++) b.deliver(seq * 100 + 3, 3, 'a', seq);
    b.close(3050, 3, 'error').open(3300, 3, 'a-29').reset(3301, 3); // then live from seq 33
    for (let seq = 33; seq <= 80; seq++) b.deliver(seq * 100 + 3, 3, 'a', seq);
    const r = judge(b, { ...NONE, retention: true }).byName.get('no-needless-reset')!;
    expect(r.pass).toBe(false);
    expect(r.diagnosis).toMatch(/declared retention \(1000 events, durable\) still held them/);
  });

  it('name the cause of a loss across a crash: acknowledged before it was durable', () => {
    const b = healthy();
    b.publish(8150, 'a', 999).target(8160, 'sigkill').close(8160, 1, 'error').close(8160, 2, 'error');
    b.target(8500, 'ready').open(8600, 1, 'a-80').reset(8601, 1).open(8600, 2, 'a-80').reset(8601, 2);
    const r = judge(b, { ...NONE, faults: true, targetStop: true, durable: true }).byName.get(
      'nothing-lost-on-restart',
    )!;
    expect(r).toMatchObject({ pass: false, measured: 1 });
    expect(r.diagnosis).toMatch(/acknowledged events it had not made durable/);
  });

  it('name the cause of a loss in a Redis fault: acknowledged before it was durable, ids handed out twice', () => {
    const b = healthy().fault(8110, 8180, 'blackhole', { leg: 'redis', params: { direction: 'both' } });
    // Acknowledged as a-81 while Redis was unreachable, never stored; the id is given again to the next event.
    b.add({ kind: 'publish', t: 8150, seq: 81, topic: 'a', id: 'a-81', sentAt: 8149 });
    b.add({ kind: 'publish', t: 8190, seq: 82, topic: 'a', id: 'a-81', sentAt: 8189 });
    b.deliver(8195, 1, 'a', 82).deliver(8195, 2, 'a', 82);
    const r = judge(b, { ...NONE, faults: true }).byName.get('no-silent-loss')!;
    expect(r.pass).toBe(false);
    expect(r.diagnosis).toMatch(
      /2 were acknowledged while the target's log was failing.*acknowledged-before-durable.*ids handed out for appends that never happened were handed out again/,
    );
    expect(r.diagnosis).not.toMatch(/in-process counter/);
  });

  it('name the cause of a loss on a return to one of several instances: replay from what one instance holds', () => {
    const b = healthy().instance(0, 'instance-1', 'A').instance(0, 'instance-2', 'B');
    b.subscriber(0, 3).openVia(0, 3, 'A');
    for (let seq = 1; seq <= 29; seq++) b.deliver(seq * 100 + 3, 3, 'a', seq);
    b.close(3050, 3, 'error').openVia(3300, 3, 'B', 'a-29').deliver(3301, 3, 'a', 31); // 30 and 32 left out
    for (let seq = 33; seq <= 80; seq++) b.deliver(seq * 100 + 3, 3, 'a', seq);
    const r = judge(b).byName.get('no-silent-loss')!;
    expect(r.pass).toBe(false);
    expect(r.diagnosis).toMatch(
      /2 were published while subscribers were away.*to one of several instances, whose replay/,
    );
  });
});
