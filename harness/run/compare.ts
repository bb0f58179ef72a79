/**
 * Do two runs agree? The same scenarios judged on two runtimes (local processes, containers), two
 * proxies, or two machines must end the same way: same verdict, same outcome against the expectation,
 * the same SLOs failed. Pure: two results in, the disagreements out. Scenarios only one side ran are
 * left out (a subset compared with a whole suite).
 */
import type { Results } from '../results/results.ts';

export interface Disagreement {
  scenario: string;
  left: string;
  right: string;
}

function outcome(s: Results['scenarios'][number]): string {
  const failed = s.slos.filter((x) => !x.pass).map((x) => x.name);
  return `${s.verdict}${s.asExpected ? ' (as expected)' : ' (NOT as expected)'}${failed.length ? `: ${failed.join(', ')}` : ''}`;
}

export function compareRuns(
  left: Results,
  right: Results,
): { compared: number; disagreements: Disagreement[] } {
  const byName = new Map(right.scenarios.map((s) => [s.name, s]));
  const disagreements: Disagreement[] = [];
  let compared = 0;
  for (const l of left.scenarios) {
    const r = byName.get(l.name);
    if (!r) continue;
    compared++;
    const [a, b] = [outcome(l), outcome(r)];
    if (a !== b) disagreements.push({ scenario: l.name, left: a, right: b });
  }
  return { compared, disagreements };
}
