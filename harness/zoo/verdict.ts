/**
 * The zoo's verdict (pure): the suite's results against the reference server and against every
 * member in, what was caught and what was flagged out. The zoo passes only when every member is
 * flagged by its named SLOs, with a diagnosis that names its cause, in the scenarios where its
 * defect shows, and the reference server is flagged by nothing.
 */
import type { Results, ScenarioResult } from '../results/results.ts';
import type { ZooCatch } from './expectations.ts';

export interface CatchOutcome {
  scenario: string;
  slo: string;
  /** The SLO failed in that scenario. */
  flagged: boolean;
  /** ...and its diagnosis named the cause. */
  namesCause: boolean;
  /** What the scenario ended as (an error or a skip means the defect was never given its chance). */
  verdict: ScenarioResult['verdict'] | 'missing';
  diagnosis?: string;
}

export interface MemberOutcome {
  member: string;
  caught: boolean;
  catches: CatchOutcome[];
  /** Every SLO that failed, per scenario (the full picture, beyond the named catch). */
  flaggedBy: Record<string, string[]>;
}

export interface ZooVerdict {
  pass: boolean;
  members: MemberOutcome[];
  caught: number;
  total: number;
  /** Scenarios that were not as expected against the reference server (false alarms and errors). */
  referenceFindings: { scenario: string; verdict: string; failed: string[]; error?: string }[];
}

function flaggedBy(results: Results): Record<string, string[]> {
  return Object.fromEntries(
    results.scenarios.map((s) => [s.name, s.slos.filter((x) => !x.pass).map((x) => x.name)]),
  );
}

export function judgeMember(member: string, results: Results, expected: readonly ZooCatch[]): MemberOutcome {
  const catches: CatchOutcome[] = [];
  for (const c of expected) {
    const scenario = results.scenarios.find((s) => s.name === c.scenario);
    for (const slo of c.slos) {
      const r = scenario?.slos.find((x) => x.name === slo);
      const flagged = r !== undefined && !r.pass;
      catches.push({
        scenario: c.scenario,
        slo,
        flagged,
        namesCause: flagged && c.cause.test(r.diagnosis ?? ''),
        verdict: scenario?.verdict ?? 'missing',
        ...(r?.diagnosis ? { diagnosis: r.diagnosis } : {}),
      });
    }
  }
  return {
    member,
    caught: catches.length > 0 && catches.every((c) => c.flagged && c.namesCause),
    catches,
    flaggedBy: flaggedBy(results),
  };
}

export function judgeZoo(
  reference: Results,
  members: readonly { member: string; results: Results }[],
  expectations: Readonly<Record<string, readonly ZooCatch[]>>,
): ZooVerdict {
  const outcomes = members.map((m) => judgeMember(m.member, m.results, expectations[m.member] ?? []));
  const referenceFindings = reference.scenarios
    .filter((s) => !s.asExpected || s.verdict === 'error')
    .map((s) => ({
      scenario: s.name,
      verdict: s.verdict,
      failed: s.slos.filter((x) => !x.pass).map((x) => x.name),
      ...(s.error ? { error: s.error } : {}),
    }));
  const caught = outcomes.filter((o) => o.caught).length;
  return {
    pass: caught === outcomes.length && referenceFindings.length === 0,
    members: outcomes,
    caught,
    total: outcomes.length,
    referenceFindings,
  };
}

/** The zoo's verdict for humans (Markdown: the job summary, the closing line of a CI log). */
export function zooMarkdown(v: ZooVerdict, scenarios: readonly string[]): string {
  const lines = [
    `# Defect zoo: ${v.caught}/${v.total} defects caught, ${v.referenceFindings.length} false alarms on the reference server`,
    '',
    '| member | caught | named catch | also flagged |',
    '| --- | --- | --- | --- |',
  ];
  for (const m of v.members) {
    const named = m.catches
      .map(
        (c) =>
          `${c.scenario}: ${c.slo} ${c.flagged ? (c.namesCause ? 'flagged, cause named' : 'flagged, cause NOT named') : `NOT flagged (${c.verdict})`}`,
      )
      .join('; ');
    const also = scenarios
      .map(
        (s) =>
          [
            s,
            (m.flaggedBy[s] ?? []).filter((slo) => !m.catches.some((c) => c.scenario === s && c.slo === slo)),
          ] as const,
      )
      .filter(([, l]) => l.length)
      .map(([s, l]) => `${s}: ${l.join(', ')}`)
      .join('; ');
    lines.push(`| ${m.member} | ${m.caught ? 'yes' : '**NO**'} | ${named} | ${also || '-'} |`);
  }
  lines.push('');
  if (v.referenceFindings.length === 0)
    lines.push('Reference server: every scenario as expected (no false alarm).');
  else {
    lines.push('Reference server findings (false alarms):');
    for (const f of v.referenceFindings)
      lines.push(
        `- ${f.scenario}: ${f.verdict}${f.failed.length ? `, failed ${f.failed.join(', ')}` : ''}${f.error ? ` (${f.error.split('\n')[0]})` : ''}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
