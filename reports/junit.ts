/**
 * JUnit XML: a testsuite per scenario, a testcase per SLO, so CI test reporters show the chaos
 * verdicts next to unit tests. The XML reflects `asExpected`, not raw SLO verdicts: a testcase for
 * an SLO the scenario EXPECTS to violate passes when the SLO fails (the detector caught its fault)
 * and fails when it passes. Its name says so ("expected violation"), and system-out explains it.
 */
import { escapeXml as x } from './escape.ts';
import {
  expectedViolations,
  formatNumber,
  formatThreshold,
  sloAsExpected,
  sloOutcome,
  unknownExpectedViolations,
} from './figures.ts';
import type { Results, ScenarioResult, SloResult } from '../harness/results/results.ts';

interface Case {
  name: string;
  timeSec: number;
  failure?: { message: string; body: string };
  error?: { message: string; body: string };
  skipped?: string;
  systemOut?: string;
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

function sloCase(scenario: ScenarioResult, slo: SloResult): Case {
  const outcome = sloOutcome(scenario, slo);
  const figures = `measured ${formatNumber(slo.measured, slo.unit)}, threshold ${formatThreshold(slo)}`;
  const expectsViolation = expectedViolations(scenario).has(slo.name);
  const c: Case = {
    name: expectsViolation ? `${slo.name} (expected violation)` : slo.name,
    timeSec: 0,
    systemOut:
      `${slo.description}\nmeasurement ${slo.measurement}: ${figures}; SLO ${slo.pass ? 'passed' : 'failed'}.` +
      (expectsViolation
        ? '\nThis scenario expects this SLO to be violated (it proves the detector catches the fault): the testcase passes when the SLO fails.'
        : '') +
      (slo.diagnosis ? `\nDiagnosis: ${slo.diagnosis}` : ''),
  };
  if (!sloAsExpected(outcome)) {
    c.failure =
      outcome === 'missed-expected-fail'
        ? {
            message: `expected ${slo.name} to be violated, but it passed (${figures})`,
            body: 'The scenario injects a fault this SLO should detect; it did not. The detector or the fault injection is broken.',
          }
        : { message: `${slo.name} violated: ${figures}`, body: slo.diagnosis ?? 'No diagnosis recorded.' };
  }
  return c;
}

function scenarioCases(s: ScenarioResult): Case[] {
  if (s.verdict === 'skipped') {
    return [{ name: 'scenario applies to this target', timeSec: 0, skipped: s.skipped?.reason ?? 'skipped' }];
  }
  if (s.verdict === 'error') {
    const errorCase: Case = {
      name: 'scenario ran to a verdict',
      timeSec: s.durationMs / 1000,
      error: {
        message: `infrastructure error: ${firstLine(s.error ?? 'unknown error')}`,
        body: s.error ?? 'unknown error',
      },
    };
    return [
      errorCase,
      ...s.slos.map((slo) => ({
        name: slo.name,
        timeSec: 0,
        skipped: 'the scenario errored before this SLO could be judged',
      })),
    ];
  }
  const cases = s.slos.map((slo) => sloCase(s, slo));
  for (const name of unknownExpectedViolations(s)) {
    cases.push({
      name: `${name} (expected violation)`,
      timeSec: 0,
      failure: {
        message: `the scenario expects ${name} to be violated, but no SLO of that name was judged`,
        body: 'Fix the scenario expectation or its SLO list.',
      },
    });
  }
  if (cases.length === 0) {
    // A scenario without SLOs still needs a testcase so the suite records its outcome.
    const c: Case = { name: 'verdict as expected', timeSec: 0 };
    if (!s.asExpected)
      c.failure = { message: `verdict ${s.verdict}, expected ${expectedLabel(s)}`, body: '' };
    cases.push(c);
  }
  return cases;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

function expectedLabel(s: ScenarioResult): string {
  return s.expected === 'pass' ? 'pass' : `violations of ${s.expected.join(', ')}`;
}

function renderCase(c: Case, classname: string): string {
  const open = `    <testcase name="${x(c.name)}" classname="${x(classname)}" time="${c.timeSec.toFixed(3)}"`;
  const children: string[] = [];
  if (c.failure)
    children.push(
      `      <failure message="${x(c.failure.message)}" type="SLOViolation">${x(c.failure.body)}</failure>`,
    );
  if (c.error)
    children.push(
      `      <error message="${x(c.error.message)}" type="InfrastructureError">${x(c.error.body)}</error>`,
    );
  if (c.skipped) children.push(`      <skipped message="${x(c.skipped)}"/>`);
  if (c.systemOut) children.push(`      <system-out>${x(c.systemOut)}</system-out>`);
  return children.length === 0 ? `${open}/>` : `${open}>\n${children.join('\n')}\n    </testcase>`;
}

/** Renders the run as JUnit XML (the common Ant/Surefire dialect CI reporters read). */
export function renderJunit(results: Results): string {
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const suites = results.scenarios.map((s) => {
    const cases = scenarioCases(s);
    const f = cases.filter((c) => c.failure).length;
    const e = cases.filter((c) => c.error).length;
    const k = cases.filter((c) => c.skipped).length;
    tests += cases.length;
    failures += f;
    errors += e;
    skipped += k;
    const classname = `sse-chaos.${s.name}`;
    const props = [
      ['verdict', s.verdict],
      ['expected', expectedLabel(s)],
      ['asExpected', String(s.asExpected)],
      ['profile', s.profile],
      ['target', s.target],
      ['subscribers', String(s.fleet.subscribers)],
    ]
      .map(([k2, v]) => `      <property name="${x(k2)}" value="${x(v)}"/>`)
      .join('\n');
    return `  <testsuite name="${x(s.name)}" tests="${cases.length}" failures="${f}" errors="${e}" skipped="${k}" time="${seconds(s.durationMs)}" timestamp="${x(results.startedAt.replace(/Z$/, ''))}">
    <properties>
${props}
    </properties>
${cases.map((c) => renderCase(c, classname)).join('\n')}
  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="sse-chaos" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(results.durationMs)}">
${suites.join('\n')}
</testsuites>
`;
}
