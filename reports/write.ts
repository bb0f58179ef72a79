/**
 * Writes one run's output folder: report.html, results.json, junit.xml, summary.md (the contract
 * in docs/architecture.md). Each file is written to a temporary name and renamed, so a crash mid-write
 * never leaves a truncated report that looks complete.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { Results } from '../harness/results/results.ts';

export { readResults, parseResults } from '../harness/results/schema.ts';

export interface ReportPaths {
  html: string;
  json: string;
  junit: string;
  markdown: string;
}

export const REPORT_FILES = {
  html: 'report.html',
  json: 'results.json',
  junit: 'junit.xml',
  markdown: 'summary.md',
} as const satisfies Record<keyof ReportPaths, string>;

async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, 'utf8');
  await rename(tmp, path);
}

/** Renders every format first (so a renderer bug writes nothing), then writes them into outDir. */
export async function writeReports(results: Results, outDir: string): Promise<{ paths: ReportPaths }> {
  const contents: Record<keyof ReportPaths, string> = {
    html: renderHtml(results),
    json: JSON.stringify(results, null, 2) + '\n',
    junit: renderJunit(results),
    markdown: renderMarkdown(results),
  };
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new Error(`cannot create report folder ${outDir}: ${(err as Error).message}`, { cause: err });
  }
  const paths = Object.fromEntries(
    Object.entries(REPORT_FILES).map(([k, file]) => [k, join(outDir, file)]),
  ) as unknown as ReportPaths;
  for (const key of Object.keys(REPORT_FILES) as (keyof ReportPaths)[]) {
    await writeAtomic(paths[key], contents[key]);
  }
  return { paths };
}
