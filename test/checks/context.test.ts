import { describe, it, expect } from 'vitest';
import { checkContext, JUDGING } from '../../harness/checks/context.ts';

const timing = {
  heartbeatMs: 1000,
  browserDefaultRetryMs: 3000,
  backoffCapMs: 2000,
  watchdogMs: 3000,
  graceMs: 1500,
};

describe('checkContext', () => {
  it('takes what the target declared and fills the judging constants the checks own', () => {
    const ctx = checkContext({ ...timing, retention: { events: 40 }, durable: true });
    expect(ctx).toMatchObject({ ...timing, ...JUDGING, retention: { events: 40 }, durable: true });
  });

  it('declares nothing it was not told: no retention, not durable', () => {
    const ctx = checkContext(timing);
    expect(ctx.retention).toBeUndefined();
    expect(ctx.durable).toBe(false);
  });

  it('keeps the storm window absolute, whatever the target says about its jitter', () => {
    expect(checkContext(timing).stormWindowMs).toBe(100);
    expect(checkContext({ ...timing, stormWindowMs: 250 }).stormWindowMs).toBe(250);
  });

  it('rejects nonsense with the field name', () => {
    expect(() => checkContext({ ...timing, heartbeatMs: -1 })).toThrow(
      /heartbeatMs must be a finite number >= 0, got -1/,
    );
    expect(() => checkContext({ ...timing, heartbeatMs: 0 })).toThrow(/heartbeatMs must be > 0/);
    expect(() => checkContext({ ...timing, bucketMs: 0 })).toThrow(/bucketMs must be > 0/);
    expect(() => checkContext({ ...timing, graceMs: Number.NaN })).toThrow(/graceMs/);
    expect(() => checkContext({ ...timing, retention: { events: -5 } })).toThrow(/retention.events/);
  });
});
