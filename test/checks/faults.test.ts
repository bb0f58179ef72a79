import { describe, it, expect } from 'vitest';
import { faultWindows } from '../../harness/checks/faults.ts';
import { IntervalSet } from '../../harness/checks/disruptions.ts';
import { HistoryBuilder } from './build-history.ts';

describe('faultWindows', () => {
  it('pairs starts and ends by id, sorted by start, with leg, params and errors', () => {
    const b = new HistoryBuilder().run(0, 10_000);
    b.fault(3000, 4000, 'cut', { leg: 'origin' });
    b.fault(1000, 2000, 'latency', { leg: 'edge', params: { latency: 300 } });
    b.add({ kind: 'fault-start', t: 5000, id: 99, fault: 'bandwidth', params: { rate: 10 } });
    b.add({ kind: 'fault-end', t: 6000, id: 99, fault: 'bandwidth', error: 'toxic removal timed out' });
    expect(faultWindows(b.build())).toEqual([
      { name: 'latency', leg: 'edge', startMs: 1000, endMs: 2000, params: { latency: 300 } },
      { name: 'cut', leg: 'origin', startMs: 3000, endMs: 4000, params: {} },
      {
        name: 'bandwidth',
        startMs: 5000,
        endMs: 6000,
        params: { rate: 10 },
        error: 'toxic removal timed out',
      },
    ]);
  });

  it('closes a window that never ended at the run end and says so', () => {
    const b = new HistoryBuilder()
      .run(0, 10_000)
      .add({ kind: 'fault-start', t: 5000, id: 1, fault: 'blackhole', params: {} });
    const [w] = faultWindows(b.build());
    expect(w).toMatchObject({ name: 'blackhole', startMs: 5000, endMs: 10_000 });
    expect(w!.error).toMatch(/no fault-end/);
  });
});

describe('IntervalSet', () => {
  it('merges overlapping intervals and answers overlap queries', () => {
    const s = new IntervalSet([
      [10, 20],
      [15, 30],
      [50, 60],
    ]);
    expect(s.size).toBe(2);
    expect(s.overlaps(0, 9)).toBe(false);
    expect(s.overlaps(0, 10)).toBe(true);
    expect(s.overlaps(31, 49)).toBe(false);
    expect(s.contains(30)).toBe(true);
    expect(s.contains(61)).toBe(false);
  });
});
