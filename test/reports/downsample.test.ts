import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capScatter, downsampleMinMax } from '../../reports/downsample.ts';

const finite = (ys: (number | null)[]) => ys.filter((v): v is number => v !== null);

describe('downsampleMinMax', () => {
  it('returns a copy when the data already fits', () => {
    const x = [0, 1, 2];
    const ys = [[1, null, 3]];
    const out = downsampleMinMax(x, ys, 10);
    expect(out).toEqual({ x, ys });
    expect(out.x).not.toBe(x);
    expect(out.ys[0]).not.toBe(ys[0]);
  });

  it('keeps every series extreme, stays within budget and keeps x ascending', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 50, max: 3000 }),
        fc.integer({ min: 2, max: 200 }),
        fc.integer(),
        (seriesCount, n, maxPoints, seed) => {
          let s = seed;
          const next = () => ((s = (s * 1103515245 + 12345) | 0) >>> 0) / 2 ** 32;
          const x = Array.from({ length: n }, (_, i) => i * 10);
          const ys = Array.from({ length: seriesCount }, () =>
            x.map(() => (next() < 0.1 ? null : Math.round(next() * 1000))),
          );
          const out = downsampleMinMax(x, ys, maxPoints);
          expect(out.x.length).toBeLessThanOrEqual(Math.max(n <= maxPoints ? n : maxPoints, 0));
          for (let i = 1; i < out.x.length; i++) expect(out.x[i]!).toBeGreaterThanOrEqual(out.x[i - 1]!);
          ys.forEach((y, k) => {
            const before = finite(y);
            const after = finite(out.ys[k]!);
            expect(out.ys[k]!.length).toBe(out.x.length);
            if (before.length === 0) return expect(after).toEqual([]);
            expect(Math.max(...after)).toBe(Math.max(...before));
            expect(Math.min(...after)).toBe(Math.min(...before));
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps a one-sample spike in a long flat series, in time order', () => {
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = x.map((i) => (i === 54_321 ? 999 : 1));
    const out = downsampleMinMax(x, [y], 1000);
    expect(out.x.length).toBeLessThanOrEqual(1000);
    const at = out.ys[0]!.indexOf(999);
    expect(at).toBeGreaterThanOrEqual(0);
    // The spike sits between x values that bracket its real position.
    expect(out.x[at - (at % 2)]!).toBeLessThanOrEqual(54_321);
    expect(out.x[at - (at % 2) + 1]!).toBeGreaterThanOrEqual(54_321);
  });

  it('turns an all-null bucket into a gap, not a zero', () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const y = x.map((i) => (i < 50 ? null : 5));
    const out = downsampleMinMax(x, [y], 10);
    expect(out.ys[0]!.slice(0, 4)).toEqual([null, null, null, null]);
    expect(finite(out.ys[0]!)).not.toContain(0);
  });

  it('rejects series whose length differs from x, and a budget below 2', () => {
    expect(() => downsampleMinMax([1, 2], [[1]], 10)).toThrow(/series 0 has 1 values but x has 2/);
    expect(() => downsampleMinMax([1, 2], [[1, 2]], 1)).toThrow(/maxPoints must be >= 2/);
  });
});

describe('capScatter', () => {
  const points = Array.from({ length: 10_000 }, (_, i) => ({
    t: (i * 7919) % 10_000,
    gapMs: (i * 104_729) % 5000,
    sub: i,
  }));

  it('keeps the input (sorted by t) when it fits', () => {
    const out = capScatter(
      [
        { t: 5, gapMs: 1 },
        { t: 1, gapMs: 2 },
      ],
      10,
    );
    expect(out).toEqual({
      points: [
        { t: 1, gapMs: 2 },
        { t: 5, gapMs: 1 },
      ],
      total: 2,
    });
  });

  it('caps the count, always keeps the largest gaps, sorts by t and is deterministic', () => {
    const out = capScatter(points, 1000);
    expect(out.total).toBe(10_000);
    expect(out.points).toHaveLength(1000);
    for (let i = 1; i < out.points.length; i++)
      expect(out.points[i]!.t).toBeGreaterThanOrEqual(out.points[i - 1]!.t);
    const largest = [...points].sort((a, b) => b.gapMs - a.gapMs).slice(0, 250);
    const kept = new Set(out.points.map((p) => p.sub));
    for (const p of largest) expect(kept.has(p.sub)).toBe(true);
    expect(capScatter(points, 1000)).toEqual(out);
    expect(new Set(out.points).size).toBe(1000); // no point twice
  });

  it('samples the rest across the whole time range', () => {
    const out = capScatter(points, 400);
    const ts = out.points.map((p) => p.t);
    expect(Math.min(...ts)).toBeLessThan(500);
    expect(Math.max(...ts)).toBeGreaterThan(9500);
  });

  it('rejects a budget below 1', () => {
    expect(() => capScatter(points, 0)).toThrow(/maxPoints must be >= 1/);
  });
});
