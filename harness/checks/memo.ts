/**
 * Per-history memoization: several checks share one expensive pass (connections, deliveries)
 * over the same materialized array. Keyed on the array's identity, so results die with it.
 */
const cache = new WeakMap<object, Map<string, unknown>>();

export function memo<T>(records: readonly unknown[], key: string, compute: () => T): T {
  let entries = cache.get(records);
  if (!entries) {
    entries = new Map();
    cache.set(records, entries);
  }
  if (entries.has(key)) return entries.get(key) as T;
  const value = compute();
  entries.set(key, value);
  return value;
}
