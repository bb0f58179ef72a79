/**
 * Evidence: what the verdict rests on. The workload is cut into judged windows by the faults
 * (before the first, between, after the last); each window must hold live deliveries, or the SLOs
 * that "passed" there passed on nothing. The window after the last fault is where recovery is
 * proven: live events after every subscriber came back.
 */
import { asArray, type Check } from './check.ts';
import { analyzeDeliveries, LIVE } from './deliveries.ts';
import { disruptions } from './disruptions.ts';
import { runBounds } from './bounds.ts';
import { connectionModel } from './connections.ts';

export const evidence: Check = {
  name: 'evidence',
  description: 'live deliveries in every judged window between faults, and after the last one',
  run(history, ctx) {
    const records = asArray(history);
    const bounds = runBounds(records);
    const dis = disruptions(records, ctx);
    const { subscribers } = connectionModel(records, ctx);
    let from = bounds.startT;
    const until = bounds.workloadEndT ?? bounds.endT;
    for (const r of records) {
      if (r.kind === 'phase' && r.phase === 'workload-start') {
        from = r.t;
        break;
      }
    }
    // Gaps of [from, until] between merged disruption windows.
    const between: [number, number][] = [];
    let cursor = from;
    for (let i = 0; i < dis.all.size; i++) {
      const s = dis.all.starts[i]!;
      const e = dis.all.ends[i]!;
      if (s > cursor) between.push([cursor, Math.min(s, until)]);
      cursor = Math.max(cursor, e);
    }
    if (cursor < until) between.push([cursor, until]);
    // A window with no publish attempted in it (a planned pause) has nothing to judge.
    const attempted = between.map(() => false);
    for (const r of records) {
      if (r.kind !== 'publish' && r.kind !== 'publish-error') continue;
      between.forEach(([a, b], g) => {
        if (r.sentAt >= a && r.sentAt < b) attempted[g] = true;
      });
    }
    const gaps = between.filter((_, g) => attempted[g]);
    const counts = gaps.map(() => 0);
    const a = analyzeDeliveries(records, ctx);
    const published = a.firstPublishedAt.view();
    for (let i = 0; i < published.length; i++) {
      if (a.firstClass[i] !== LIVE) continue;
      const p = published[i]!;
      for (let g = 0; g < gaps.length; g++) {
        if (p >= gaps[g]![0] && p < gaps[g]![1]) {
          counts[g]!++;
          break;
        }
      }
    }
    const lastEnd = dis.all.size > 0 ? dis.all.ends[dis.all.size - 1]! : undefined;
    const after =
      lastEnd === undefined ? null : gaps.length && gaps.at(-1)![0] >= lastEnd ? counts.at(-1)! : 0;
    return {
      'evidence.windows': gaps.length,
      'evidence.thinnestWindowEvents': counts.length ? Math.min(...counts) : 0,
      'evidence.afterLastFaultEvents': after,
      'evidence.subscribers': subscribers.size,
    };
  },
};
