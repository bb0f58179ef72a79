/** Every check by name (Toxiproxy's toxic registry is the model), and running them all at once. */
import type { HistoryRecord } from '../history/records.ts';
import { asArray, type Check, type Measurements, type Records } from './check.ts';
import type { CheckContext } from './context.ts';
import type { MeasurementKey } from './keys.ts';
import { buffering } from './buffering.ts';
import { delivery } from './delivery.ts';
import { evidence } from './evidence.ts';
import { faults } from './fault-effects.ts';
import { heartbeat } from './heartbeat.ts';
import { instances } from './instances.ts';
import { latency } from './latency.ts';
import { publish } from './publish.ts';
import { reconnect } from './reconnect.ts';
import { server } from './server.ts';
import { shutdown } from './shutdown.ts';

export const CHECKS: ReadonlyMap<string, Check> = new Map(
  [
    publish,
    delivery,
    latency,
    heartbeat,
    reconnect,
    buffering,
    shutdown,
    server,
    faults,
    instances,
    evidence,
  ].map((c) => [c.name, c]),
);

export function getCheck(name: string): Check {
  const check = CHECKS.get(name);
  if (!check) throw new Error(`unknown check '${name}': known checks are ${[...CHECKS.keys()].join(', ')}`);
  return check;
}

/**
 * Runs every check (or the named ones) over one materialized history and merges the measurements.
 * Checks share memoized passes over the same array, so the whole run stays O(n log n).
 */
export function runChecks(history: Records, ctx: CheckContext, names?: readonly string[]): Measurements {
  const records: readonly HistoryRecord[] = asArray(history);
  const out: Measurements = {};
  for (const check of names ? names.map(getCheck) : CHECKS.values()) {
    const m = check.run(records, ctx);
    for (const [key, value] of Object.entries(m) as [MeasurementKey, number | null][]) {
      if (!key.startsWith(`${check.name}.`)) {
        throw new Error(`check '${check.name}' emitted '${key}', outside its namespace '${check.name}.'`);
      }
      out[key] = value;
    }
  }
  return out;
}
