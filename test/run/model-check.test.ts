/**
 * The model check, on histories built by hand: each profile is judged on its own records with the
 * same SLOs; verdicts agree, disagree, or cannot be compared; a documented difference explains a
 * disagreement (and only when the run shows it); anything else is counted.
 */
import { describe, expect, it } from 'vitest';
import { compareProfiles, profileHistory, sideVerdict } from '../../harness/run/model-check.ts';
import { defaultSlos } from '../../harness/slo/defaults.ts';
import { HistoryBuilder, testContext } from '../checks/build-history.ts';

const ctx = testContext();
/** The default SLOs of these names. */
const slosNamed = (...names: string[]) =>
  defaultSlos(ctx, { maxReconnectWaitMs: 3000, minAcknowledged: 1, minWindowEvents: 1 }).filter((s) =>
    names.includes(s.name),
  );
const SLOS = slosNamed(
  'subscribers-opened',
  'no-silent-loss',
  'no-queued-streams',
  'backoff-policy',
  'no-reconnect-storm',
);

/** Two modelled subscribers (1, 2) and two Chromium ones (3, 4) of one context, streaming 20 events. */
function mixed(o: { chromiumMisses?: number; queued?: boolean } = {}): HistoryBuilder {
  const b = new HistoryBuilder().run(0, 5000).fleet(0, 2, { profile: 'browser' });
  b.fleet(0, 2, { profile: 'chromium', client: 'ctx' }, 3);
  for (const sub of [1, 2, 3, 4]) b.open(0, sub);
  b.phase(10, 'workload-start');
  for (let seq = 1; seq <= 20; seq++) {
    const t = 100 + seq * 100;
    b.publish(t, 't1', seq);
    for (const sub of [1, 2, 3, 4])
      if (!(sub === 3 && seq === o.chromiumMisses)) b.deliver(t + 5, sub, 't1', seq);
  }
  if (o.queued)
    b.subscriber(0, 5, { profile: 'chromium', client: 'ctx' }).connect(50, 5).close(4800, 5, 'aborted');
  return b.phase(2500, 'workload-end');
}

const byName = (check: NonNullable<ReturnType<typeof compareProfiles>>, slo: string) =>
  check.comparisons.find((c) => c.slo === slo)!;

describe('the model check', () => {
  it("splits the history by profile: a profile's subscribers and every record that belongs to none", () => {
    const records = mixed().build();
    const chromium = profileHistory(records, 'chromium');
    expect(new Set(chromium.filter((r) => 'sub' in r).map((r) => (r as { sub: number }).sub))).toEqual(
      new Set([3, 4]),
    );
    expect(chromium.filter((r) => r.kind === 'publish')).toHaveLength(20);
  });

  it('agrees when both profiles get the same story; the policy SLO judges only the model', () => {
    const check = compareProfiles(SLOS, mixed().build(), ctx)!;
    expect(check.subscribers).toEqual({ model: 2, reality: 2 });
    expect(byName(check, 'no-silent-loss')).toMatchObject({
      model: 'pass',
      reality: 'pass',
      outcome: 'agree',
    });
    expect(byName(check, 'backoff-policy')).toMatchObject({ reality: 'n/a', outcome: 'not comparable' });
    expect(check.disagreements).toBe(0);
  });

  it('a verdict only one side reaches is a disagreement, counted: the model is wrong there', () => {
    const check = compareProfiles(SLOS, mixed({ chromiumMisses: 7 }).build(), ctx)!;
    expect(byName(check, 'no-silent-loss')).toMatchObject({
      model: 'pass',
      reality: 'fail',
      modelMeasured: 0,
      realityMeasured: 1,
      outcome: 'disagree',
    });
    expect(byName(check, 'no-silent-loss').known).toBeUndefined();
    expect(check.disagreements).toBe(1);
  });

  it("a documented difference explains a disagreement when the run shows it: Chromium's HTTP/1.1 connection cap", () => {
    const check = compareProfiles(SLOS, mixed({ queued: true }).build(), ctx)!;
    for (const slo of ['no-queued-streams', 'subscribers-opened']) {
      expect(byName(check, slo)).toMatchObject({ model: 'pass', reality: 'fail', outcome: 'disagree' });
      expect(byName(check, slo).known).toMatch(
        /^http1-connection-cap: over HTTP\/1\.1 Chromium opens at most 6/,
      );
    }
    expect(check.disagreements).toBe(0);
  });

  it("a host network change (Chromium's ERR_NETWORK_CHANGED) explains a timing disagreement only when the run shows one", () => {
    const b = mixed();
    for (const t of [2500, 3500, 4500]) for (const sub of [1, 2]) b.heartbeat(t, sub);
    for (const sub of [1, 2, 3, 4]) b.close(4800, sub, 'aborted');
    const slos = slosNamed('heartbeat-silence');
    expect(compareProfiles(slos, b.build(), ctx)!.disagreements).toBe(1);
    b.add({ kind: 'close', t: 4700, sub: 3, reason: 'error', detail: 'net::ERR_NETWORK_CHANGED' });
    const check = compareProfiles(slos, b.build(), ctx)!;
    expect(byName(check, 'heartbeat-silence').known).toMatch(/^host-network-change: /);
    expect(check.disagreements).toBe(0);
  });

  it('an SLO without evidence on a side (no mass cut of 20 there) is not comparable, never a disagreement', () => {
    const check = compareProfiles(SLOS, mixed().build(), ctx)!;
    expect(byName(check, 'no-reconnect-storm')).toMatchObject({
      model: 'n/a',
      reality: 'n/a',
      outcome: 'not comparable',
    });
    expect(
      sideVerdict({
        name: 'x',
        description: '',
        measurement: 'm',
        comparator: '<=',
        threshold: 0,
        measured: 3,
        unit: '',
        pass: false,
        evidence: { measurement: 'e', value: 0 },
      }),
    ).toBe('n/a');
  });

  it("a timing disagreement while the harness's own loop lagged is not compared (the model's times are taken on it); behaviour still is", () => {
    // The model's streams go silent 3 s (a stalled loop stamps late); Chromium's stay on time.
    const b = mixed({ chromiumMisses: 7 });
    for (const t of [2500, 3500, 4500]) for (const sub of [3, 4]) b.heartbeat(t, sub);
    for (const sub of [1, 2, 3, 4]) b.close(4800, sub, 'aborted');
    const slos = slosNamed('heartbeat-silence', 'no-silent-loss');
    const calm = compareProfiles(slos, b.build(), ctx, { p99Ms: 5, maxMs: 40 })!;
    expect(byName(calm, 'heartbeat-silence')).toMatchObject({
      model: 'fail',
      reality: 'pass',
      outcome: 'disagree',
    });
    const lagging = compareProfiles(slos, b.build(), ctx, { p99Ms: 20, maxMs: 400 })!;
    expect(byName(lagging, 'heartbeat-silence')).toMatchObject({ outcome: 'not comparable' });
    expect(byName(lagging, 'heartbeat-silence').note).toMatch(/event loop lagged \(p99 20 ms, max 400 ms/);
    expect(byName(lagging, 'no-silent-loss')).toMatchObject({ outcome: 'disagree' });
    expect(lagging.disagreements).toBe(1);
  });

  it('is absent unless both the model and real browsers ran', () => {
    const b = new HistoryBuilder().run(0, 1000).fleet(0, 2, { profile: 'browser' });
    expect(compareProfiles(SLOS, b.build(), ctx)).toBeUndefined();
  });
});
