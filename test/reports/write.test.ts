import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportCommand } from '../../reports/cli-report.ts';
import { readResults, writeReports } from '../../reports/write.ts';
import { sampleResults } from './fixtures.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sse-chaos-reports-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeReports / readResults', () => {
  it('writes the four files and reads results.json back unchanged', async () => {
    const results = sampleResults();
    const { paths } = await writeReports(results, join(dir, 'nested', 'out'));
    expect((await readdir(join(dir, 'nested', 'out'))).sort()).toEqual([
      'junit.xml',
      'report.html',
      'results.json',
      'summary.md',
    ]);
    expect(await readResults(paths.json)).toEqual(results);
    expect(await readFile(paths.markdown, 'utf8')).toContain('sse-chaos resilience report');
  });

  it('keeps fields added to results.json later (loose validation)', async () => {
    const path = join(dir, 'results.json');
    const results = { ...sampleResults(), futureField: { x: 1 } };
    await writeFile(path, JSON.stringify(results));
    expect(await readResults(path)).toMatchObject({ futureField: { x: 1 } });
  });

  it('explains a missing file, invalid JSON and a wrong shape', async () => {
    await expect(readResults(join(dir, 'nope.json'))).rejects.toThrow(
      /cannot read results file .*nope\.json/,
    );
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"schemaVersion": 1,');
    await expect(readResults(bad)).rejects.toThrow(/is not valid JSON/);
    const wrong = sampleResults() as unknown as { scenarios: { verdict: string }[] };
    wrong.scenarios[1]!.verdict = 'maybe';
    await writeFile(bad, JSON.stringify(wrong));
    await expect(readResults(bad)).rejects.toThrow(/scenarios\[1\]\.verdict|scenarios\.1\.verdict/);
  });
});

describe('reportCommand', () => {
  it('re-renders every report from a results file into another folder', async () => {
    const src = join(dir, 'results.json');
    await writeFile(src, JSON.stringify(sampleResults()));
    const { paths, results } = await reportCommand(src, join(dir, 'again'));
    expect(results.scenarios).toHaveLength(4);
    expect(await readFile(paths.html, 'utf8')).toContain('SSE resilience report');
    expect(await readFile(paths.junit, 'utf8')).toMatch(/^<\?xml/);
  });

  it('defaults to the folder that holds the results file', async () => {
    const src = join(dir, 'results.json');
    await writeFile(src, JSON.stringify(sampleResults()));
    const { paths } = await reportCommand(src);
    expect(paths.html).toBe(join(dir, 'report.html'));
  });

  it('writes nothing when the results file is invalid', async () => {
    const src = join(dir, 'results.json');
    await writeFile(src, '{}');
    await expect(reportCommand(src, join(dir, 'out'))).rejects.toThrow(/not a valid sse-chaos results file/);
    expect(await readdir(dir)).toEqual(['results.json']);
  });
});
