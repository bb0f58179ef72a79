/**
 * The judge is pure: a plan and a recorded history in, a result out. A verdict is recomputable from
 * a saved history, and needs no stack to test.
 */
import { describe, expect, it } from 'vitest';
import { inTimeOrder, judge, skippedResult } from '../../harness/run/judge.ts';
import { planScenario } from '../../harness/run/plan.ts';
import { parseScenario, type ScenarioInput } from '../../harness/run/scenario.ts';
import type { HistoryRecord } from '../../harness/history/records.ts';
import { HistoryBuilder } from '../checks/build-history.ts';

const plan = (o: Partial<ScenarioInput> = {}) =>
  planScenario(
    parseScenario({ name: 'demo', description: 'an incident that happened somewhere', ...o }, 'demo.ts'),
  );

/** 40 publishes at 100 ms to 2 subscribers with heartbeats: what a healthy run records. */
function healthy(o: { skip?: number } = {}): HistoryBuilder {
  const b = new HistoryBuilder().run(0, 6000).fleet(0, 2).open(0, 1).open(0, 2).phase(50, 'workload-start');
  for (let i = 1; i <= 40; i++) {
    b.publish(i * 100, 't1', i);
    b.deliver(i * 100 + 3, 1, 't1', i);
    if (i !== o.skip) b.deliver(i * 100 + 3, 2, 't1', i);
  }
  for (let t = 500; t <= 5000; t += 500) b.heartbeat(t, 1).heartbeat(t, 2);
  return b.phase(4100, 'workload-end').phase(4500, 'drained');
}

const stats = { published: 40, acknowledged: 40, failed: 0 };
const metrics = { before: {}, after: {} };

describe('judge: several instances', () => {
  /** Two instances; subscriber 1 on instance-1, subscriber 2 on instance-2. */
  function cluster(o: { skip?: number } = {}): HistoryBuilder {
    const b = new HistoryBuilder()
      .run(0, 6000)
      .instance(0, 'instance-1', '127.0.0.1:4001')
      .instance(0, 'instance-2', '127.0.0.1:4002')
      .fleet(0, 2)
      .openVia(0, 1, '127.0.0.1:4001')
      .openVia(0, 2, '127.0.0.1:4002')
      .phase(50, 'workload-start');
    for (let i = 1; i <= 40; i++) {
      b.publish(i * 100, 't1', i);
      b.deliver(i * 100 + 3, 1, 't1', i);
      if (i !== o.skip) b.deliver(i * 100 + 3, 2, 't1', i);
    }
    for (let t = 500; t <= 5000; t += 500) b.heartbeat(t, 1).heartbeat(t, 2);
    return b.phase(4100, 'workload-end').phase(4500, 'drained');
  }
  const p = () => plan({ workload: { durationMs: 4000 } });

  it('reports which instance served whom', () => {
    const r = judge(p(), { records: cluster().build(), stats, metrics, durationMs: 5000 });
    expect(r.verdict).toBe('pass');
    expect(r.instances).toEqual({
      perInstance: [
        { name: 'instance-1', streams: 1, subscribers: 1, events: 40 },
        { name: 'instance-2', streams: 1, subscribers: 1, events: 40 },
      ],
      failovers: [],
      story: ['instance-1 served 1 streams of 1 subscribers; instance-2 served 1 streams of 1 subscribers.'],
    });
  });

  it('names the instances in the diagnosis of a loss', () => {
    const r = judge(p(), { records: cluster({ skip: 20 }).build(), stats, metrics, durationMs: 5000 });
    const loss = r.slos.find((x) => x.name === 'no-silent-loss')!;
    expect(loss.pass).toBe(false);
    expect(loss.diagnosis).toMatch(
      / Instances: instance-1 served 1 streams of 1 subscribers; instance-2 served/,
    );
  });

  it('has no instances section for a single target', () => {
    expect(
      judge(p(), { records: healthy().build(), stats, metrics, durationMs: 5000 }).instances,
    ).toBeUndefined();
  });
});

describe('judge', () => {
  it('passes a healthy run, and shows what the verdict rests on', () => {
    const p = plan({ workload: { durationMs: 4000 } });
    const r = judge(p, { records: healthy().build(), stats, metrics, durationMs: 5000 });
    expect(r).toMatchObject({ name: 'demo', verdict: 'pass', asExpected: true, expected: 'pass' });
    expect(r.evidence).toEqual({
      publishesAcknowledged: 40,
      events: 80,
      connections: 2,
      subscribers: 2,
      windows: 1,
      thinnestWindowEvents: 80,
    });
    expect(r.slos.find((x) => x.name === 'no-silent-loss')!.evidence).toEqual({
      measurement: 'delivery.expected',
      value: 80,
    });
  });

  it('fails a lost event, and is as expected when the scenario expects exactly that', () => {
    const records = healthy({ skip: 20 }).build();
    const failed = judge(plan({ workload: { durationMs: 4000 } }), {
      records,
      stats,
      metrics,
      durationMs: 5000,
    });
    expect(failed).toMatchObject({ verdict: 'fail', asExpected: false });
    expect(failed.slos.filter((x) => !x.pass).map((x) => x.name)).toEqual(['no-silent-loss']);
    const expected = plan({ workload: { durationMs: 4000 }, expect: { violates: ['no-silent-loss'] } });
    expect(judge(expected, { records, stats, metrics, durationMs: 5000 })).toMatchObject({
      verdict: 'fail',
      asExpected: true,
    });
  });

  it('gives an infrastructure error instead of a verdict on a run that did not happen', () => {
    const r = judge(plan(), { records: [], stats, metrics, durationMs: 10, error: 'nginx: would not start' });
    expect(r).toMatchObject({
      verdict: 'error',
      asExpected: false,
      error: 'nginx: would not start',
      slos: [],
    });
  });

  it('reports a skipped scenario with its needs, neither passed nor failed', () => {
    const p = planScenario(
      parseScenario(
        { name: 'demo', description: 'an incident that happened somewhere', needs: ['durable'] },
        'demo.ts',
      ),
    );
    expect(p.skip?.needs).toEqual(['durable']);
    expect(skippedResult(p)).toMatchObject({ verdict: 'skipped', skipped: { needs: ['durable'] }, slos: [] });
  });

  it("carries the plan's notes into the result", () => {
    const p = plan({ workload: { durationMs: 1000 }, faults: [{ at: 500, duration: 100, action: 'cut' }] });
    const r = judge(p, { records: healthy().build(), stats, metrics, durationMs: 5000 });
    expect(r.notes?.[0]).toMatch(/workload extended/);
  });
});

describe('inTimeOrder', () => {
  it("puts late-appended records (a real browser) on one timeline, keeping each subscriber's order", () => {
    const late: HistoryRecord[] = [
      { kind: 'heartbeat' as const, t: 10, sub: 1 },
      { kind: 'heartbeat' as const, t: 30, sub: 1 },
      { kind: 'heartbeat' as const, t: 20, sub: 2 }, // appended late
      { kind: 'heartbeat' as const, t: 20, sub: 1 },
    ];
    expect(inTimeOrder(late).map((r) => `${'sub' in r ? r.sub : '-'}@${r.t}`)).toEqual([
      '1@10',
      '2@20',
      '1@20',
      '1@30',
    ]);
    const sorted = late.slice(0, 2);
    expect(inTimeOrder(sorted)).toBe(sorted); // already in order: no copy
  });
});
