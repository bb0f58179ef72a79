import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../reports/junit.ts';
import type { Results } from '../../harness/results/results.ts';
import { sampleResults } from './fixtures.ts';

interface Case {
  '@_name': string;
  failure?: { '@_message': string; '#text'?: string };
  error?: { '@_message': string; '#text'?: string };
  skipped?: unknown;
  'system-out'?: string;
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  testcase: Case[];
}

function parse(xml: string): { root: Record<string, string>; suites: Suite[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  }).parse(xml) as { testsuites: Record<string, string> & { testsuite: Suite[] } };
  return { root: doc.testsuites, suites: doc.testsuites.testsuite };
}

describe('renderJunit', () => {
  const results = sampleResults();
  const { root, suites } = parse(renderJunit(results));

  it('has a testsuite per scenario and a testcase per SLO, with consistent counts', () => {
    expect(suites.map((s) => s['@_name'])).toEqual(
      results.scenarios.map((s) => s.name.replace('\u2028', '\u2028')),
    );
    results.scenarios.forEach((s, i) => {
      if (s.verdict !== 'error') expect(suites[i]!.testcase).toHaveLength(s.slos.length);
    });
    const failures = suites.flatMap((s) => s.testcase).filter((c) => c.failure).length;
    expect(Number(root['@_failures'])).toBe(failures);
    expect(Number(root['@_errors'])).toBe(1);
  });

  it('passes an expected violation and says why', () => {
    const buffering = suites.find((s) => s['@_name'] === 'proxy-buffering')!;
    const expected = buffering.testcase.find((c) => c['@_name'] === 'heartbeat-gap (expected violation)')!;
    expect(expected.failure).toBeUndefined();
    expect(expected['system-out']).toMatch(/passes when the SLO fails/);
    expect(expected['system-out']).toMatch(/X-Accel-Buffering: no/);
    expect(buffering['@_failures']).toBe('0');
  });

  it('fails an unexpected violation with measured vs threshold and the diagnosis', () => {
    const partition = suites[2]!;
    const gaps = partition.testcase.find((c) => c['@_name'] === 'no-silent-gaps')!;
    expect(gaps.failure!['@_message']).toBe('no-silent-gaps violated: measured 3, threshold == 0');
    expect(gaps.failure!['#text']).toContain('</script><img src=x onerror=alert(1)>'); // escaped in, parsed back out
    expect(partition['@_failures']).toBe('2');
  });

  it('reports an errored scenario as an <error>', () => {
    const crash = suites[3]!;
    expect(crash.testcase[0]!.error!['@_message']).toMatch(/^infrastructure error: target did not come back/);
    expect(crash['@_errors']).toBe('1');
  });

  it('fails an expected violation that did not happen, and an expected SLO that was never judged', () => {
    const r: Results = structuredClone(results);
    const s = r.scenarios[1]!;
    s.slos[1]!.pass = true;
    s.expected = ['heartbeat-gap', 'no-such-slo'];
    const { suites: out } = parse(renderJunit(r));
    const cases = out[1]!.testcase;
    expect(
      cases.find((c) => c['@_name'] === 'heartbeat-gap (expected violation)')!.failure!['@_message'],
    ).toMatch(/expected heartbeat-gap to be violated, but it passed/);
    expect(
      cases.find((c) => c['@_name'] === 'no-such-slo (expected violation)')!.failure!['@_message'],
    ).toMatch(/no SLO of that name was judged/);
  });

  it('never emits characters XML forbids', () => {
    const xml = renderJunit(sampleResults());
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(xml).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F]/);
    expect(xml).toContain('dropped them\uFFFD;'); // the BEL in the diagnosis
  });
});
