import { describe, expect, it } from 'vitest';
import { dueAt, plannedCount } from '../../harness/workload/schedule.ts';

describe('publish schedule', () => {
  it('computes each due time from the index, so lateness never accumulates', () => {
    expect(dueAt(100, 0, 50)).toBe(100);
    expect(dueAt(100, 50, 50)).toBe(1100);
    expect(dueAt(0, 3, 3)).toBe(1000);
  });
  it('plans rate x duration events', () => {
    expect(plannedCount(5000, 40)).toBe(200);
    expect(plannedCount(999, 1)).toBe(0);
  });
});
