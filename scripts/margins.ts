/**
 * How close each SLO came to its threshold in one or more runs of a suite (results.json files, or
 * zoo output folders whose reference/results.json is read): the worst measured value per SLO and its
 * headroom. A verdict that sits on its threshold would flip between runs; this shows which do.
 *
 *   npx tsx scripts/margins.ts reports/out/ci-zoo reports/out/zoo-2 ...
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readResults } from '../harness/results/schema.ts';

const inputs = process.argv.slice(2);
if (!inputs.length) {
  process.stderr.write('usage: tsx scripts/margins.ts RESULTS.json|ZOO_DIR ...\n');
  process.exit(2);
}
const worst = new Map<
  string,
  { measured: number; threshold: number; comparator: string; where: string; runs: number }
>();
for (const input of inputs) {
  const file = statSync(input).isDirectory()
    ? existsSync(join(input, 'reference', 'results.json'))
      ? join(input, 'reference', 'results.json')
      : join(input, 'results.json')
    : input;
  const results = await readResults(file);
  for (const s of results.scenarios) {
    for (const slo of s.slos) {
      if (slo.measured === null || (s.expected !== 'pass' && s.expected.includes(slo.name))) continue;
      const key = slo.name;
      const prev = worst.get(key);
      // Closeness to the threshold: the larger measured for <=, the smaller for >=.
      const closer =
        !prev || (slo.comparator === '>=' ? slo.measured < prev.measured : slo.measured > prev.measured);
      const runs = (prev?.runs ?? 0) + 1;
      if (closer)
        worst.set(key, {
          measured: slo.measured,
          threshold: slo.threshold,
          comparator: slo.comparator,
          where: s.name,
          runs,
        });
      else worst.set(key, { ...prev!, runs });
    }
  }
}
const rows = [...worst.entries()].sort(([a], [b]) => a.localeCompare(b));
process.stdout.write(
  '| SLO | worst measured | threshold | headroom | where |\n| --- | --- | --- | --- | --- |\n',
);
for (const [name, w] of rows) {
  const headroom =
    w.comparator === '>='
      ? w.threshold === 0
        ? 'n/a'
        : `${Math.round((w.measured / w.threshold) * 100) / 100}x threshold`
      : w.measured === 0
        ? 'never off zero'
        : `${Math.round((w.threshold / w.measured) * 100) / 100}x`;
  process.stdout.write(
    `| ${name} | ${w.measured} | ${w.comparator} ${w.threshold} | ${headroom} | ${w.where} |\n`,
  );
}
