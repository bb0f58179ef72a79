/** The few lines `sse-chaos install` (and the repository's setup) prints: one per component, aligned. */

export type RowStatus = 'ok' | 'installed' | 'missing' | 'skipped';

export interface Row {
  name: string;
  status: RowStatus;
  detail: string;
}

export function formatReport(title: string, rows: readonly Row[], elapsedMs: number, ok: boolean): string {
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  const lines = rows.map(
    (r) => `  ${r.name.padEnd(width)}  ${r.status === 'ok' ? '' : `[${r.status}] `}${r.detail}`,
  );
  return [`${title}: ${ok ? 'ok' : 'FAILED'} (${Math.round(elapsedMs)} ms)`, ...lines].join('\n');
}
