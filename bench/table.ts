/** Renders benchmark rows as an aligned text table (terminal) and a Markdown table (results file). */
import type { BenchResult, BenchRow } from './result.ts';

const fmt = (x: number | null, unit = ''): string => {
  if (x === null || !Number.isFinite(x)) return '-';
  const s = Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en') : String(x);
  return unit ? `${s} ${unit}` : s;
};

function cells(r: BenchRow): string[] {
  return [
    r.benchmark,
    r.metric,
    fmt(r.ours, r.unit),
    fmt(r.baseline, r.unit),
    r.ratio === null ? '-' : `${r.ratio}x`,
    r.goal,
    r.met === undefined ? '' : r.met ? 'met' : 'GOAL NOT MET',
  ];
}

const HEAD = ['benchmark', 'metric', 'ours', 'baseline', 'ratio', 'goal', 'met?'];

function allRows(results: readonly BenchResult[]): string[][] {
  const rows: string[][] = [];
  for (const r of results) {
    if (r.error) rows.push([r.name, 'CRASHED', '-', '-', '-', '-', r.error.split('\n')[0]!.slice(0, 80)]);
    else for (const row of r.rows) rows.push(cells(row));
  }
  return rows;
}

export function textTable(results: readonly BenchResult[]): string {
  const rows = [HEAD, ...allRows(results)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function markdownTable(results: readonly BenchResult[]): string {
  const esc = (c: string): string => c.replaceAll('|', '\\|');
  const rows = allRows(results);
  return [
    `| ${HEAD.join(' | ')} |`,
    `| ${HEAD.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
