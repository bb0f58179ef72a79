import { describe, it, expect } from 'vitest';
import { checkContext, DEFAULT_CHECK_CONTEXT, stormWindowFor } from '../../harness/checks/context.ts';

describe('checkContext', () => {
  it('fills defaults and merges a partial backoff policy', () => {
    const ctx = checkContext({ heartbeatMs: 2000, backoff: { maxMs: 9000 } });
    expect(ctx.heartbeatMs).toBe(2000);
    expect(ctx.backoff).toEqual({ ...DEFAULT_CHECK_CONTEXT.backoff, maxMs: 9000 });
    expect(ctx.graceMs).toBe(DEFAULT_CHECK_CONTEXT.graceMs);
  });

  it('derives the storm window from the smallest jitter window unless given', () => {
    expect(
      checkContext({ retryJitterMs: 2000, backoff: { initialMs: 2000, maxMs: 3000 } }).stormWindowMs,
    ).toBe(400);
    expect(checkContext({ retryJitterMs: 0 }).stormWindowMs).toBe(20);
    expect(checkContext({ stormWindowMs: 1000 }).stormWindowMs).toBe(1000);
    expect(stormWindowFor(1000, 250)).toBe(DEFAULT_CHECK_CONTEXT.stormWindowMs);
  });

  it('rejects nonsense with the field name', () => {
    expect(() => checkContext({ heartbeatMs: -1 })).toThrow(
      /heartbeatMs must be a finite number >= 0, got -1/,
    );
    expect(() => checkContext({ bucketMs: 0 })).toThrow(/bucketMs must be > 0/);
    expect(() => checkContext({ backoff: { initialMs: 500, maxMs: 100 } })).toThrow(
      /backoff.maxMs \(100\) must be >= backoff.initialMs \(500\)/,
    );
    expect(() => checkContext({ graceMs: Number.NaN })).toThrow(/graceMs/);
  });
});
