/**
 * Server health from the target's /metrics scraped before the workload (`metrics` label 'before')
 * and after the drain ('after'): open connections back to baseline, slow clients disconnected.
 * Samples are flattened `name{labels}`; every labelled series of a metric is summed.
 */
import type { HistoryRecord } from '../history/records.ts';
import { asArray, type Check } from './check.ts';

export const ACTIVE_CONNECTIONS_METRIC = 'sse_active_connections';
/** Matched by substring: the reference server's counter is `sse_slow_client_disconnects_total`. */
export const SLOW_CLIENT_METRIC_PART = 'slow_client';

/** Sum of every series of a metric whose name matches; undefined when none is present. */
export function sumMetric(
  samples: Record<string, number>,
  match: (name: string) => boolean,
): number | undefined {
  let total: number | undefined;
  for (const [key, value] of Object.entries(samples)) {
    const brace = key.indexOf('{');
    const name = brace < 0 ? key : key.slice(0, brace);
    if (match(name) && Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

function scrape(records: readonly HistoryRecord[], label: string): Record<string, number> | undefined {
  let found: Record<string, number> | undefined;
  for (const r of records) if (r.kind === 'metrics' && r.label === label) found = r.samples;
  return found;
}

export const server: Check = {
  name: 'server',
  description: "the target's own metrics: connections back to baseline, slow clients disconnected",
  run(history) {
    const records = asArray(history);
    const before = scrape(records, 'before');
    const after = scrape(records, 'after');
    const active = (s: Record<string, number> | undefined): number | undefined =>
      s && sumMetric(s, (n) => n === ACTIVE_CONNECTIONS_METRIC);
    const slow = (s: Record<string, number> | undefined): number | undefined =>
      s && sumMetric(s, (n) => n.includes(SLOW_CLIENT_METRIC_PART) && !n.endsWith('_created'));
    const a0 = active(before);
    const a1 = active(after);
    const s0 = slow(before);
    const s1 = slow(after);
    return {
      'server.activeConnectionsBefore': a0 ?? null,
      'server.activeConnectionsAfter': a1 ?? null,
      'server.connectionLeak': a0 !== undefined && a1 !== undefined ? a1 - a0 : null,
      'server.slowClientDisconnects': s1 !== undefined ? s1 - (s0 ?? 0) : null,
    };
  },
};
