/**
 * Injectable randomness: every random choice of the client (backoff jitter) goes through a `Random`,
 * so tests and scenarios can fix a seed and get the same delays twice.
 */

/** Returns a float in [0, 1). */
export type Random = () => number;

/** A small, fast seeded PRNG (mulberry32): good enough for jitter, reproducible from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent stream for item `i` (e.g. one per subscriber) from a run seed. */
export function childSeed(seed: number, i: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
}
