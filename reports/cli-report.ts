/**
 * `sse-chaos report RESULTS.json [--out DIR]`: re-renders every report from a results file, e.g.
 * after upgrading the tool, or from a CI artifact. The CLI (harness/cli.ts) wires the command here.
 */
import { dirname, resolve } from 'node:path';
import type { Results } from '../harness/results/results.ts';
import { readResults, writeReports, type ReportPaths } from './write.ts';

export interface ReportCommandResult {
  paths: ReportPaths;
  results: Results;
}

/**
 * Reads and validates `resultsPath`, then writes report.html, results.json, junit.xml and
 * summary.md into `outDir` (default: the folder holding the results file). Throws an Error with a
 * readable message for a missing, non-JSON or wrong-shaped file (exit code 2 territory).
 */
export async function reportCommand(resultsPath: string, outDir?: string): Promise<ReportCommandResult> {
  const results = await readResults(resultsPath);
  const { paths } = await writeReports(results, resolve(outDir ?? dirname(resultsPath)));
  return { paths, results };
}
