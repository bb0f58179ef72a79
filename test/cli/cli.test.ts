/**
 * The CLI's exit-code contract, through the real bin (tsx, commander, a real stack): 2 on usage
 * errors, 0 when every verdict is as expected, 1 when a scenario that should pass runs against a
 * broken nginx profile, with the diagnosis on stdout.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from './run-bin.ts';

let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'sse-chaos-cli-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const run = (args: string[], timeoutMs?: number) => runBin(args, timeoutMs);

describe('sse-chaos usage errors exit 2', () => {
  it('an unknown flag', async () => {
    const r = await run(['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
  });
  it('an unknown scenario, profile or SLO names the culprit', async () => {
    const a = await run(['--scenario', 'nope']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown scenario "nope"');
    const b = await run(['--scenario', 'baseline', '--profile', 'nope']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('unknown nginx profile "nope"');
    const c = await run(['--scenario', 'baseline', '--slo', 'latency-p99=abc']);
    expect(c.code).toBe(2);
    const d = await run(['--scenario', 'baseline', '--slo', 'no-such-slo=1']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain("--slo: unknown SLO 'no-such-slo'");
  });
  it('--help and --list exit 0', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--scenario');
    const l = await run(['--list']);
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/\* baseline/);
    expect(l.stdout).toMatch(/ {2}scale/);
  });
});

describe('sse-chaos verdict exit codes (real stack)', () => {
  it('exits 0 when baseline passes, writing results.json', async () => {
    const dir = join(out, 'ok');
    const r = await run(['--scenario', 'baseline', '--out', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as {
      scenarios: { name: string; verdict: string; asExpected: boolean }[];
    };
    expect(results.scenarios).toMatchObject([{ name: 'baseline', verdict: 'pass', asExpected: true }]);
  });

  it('exits 1 with a diagnosis when baseline runs behind a buffering proxy', async () => {
    const dir = join(out, 'broken');
    const r = await run(['--scenario', 'baseline', '--profile', 'buffered-http10', '--out', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('no-proxy-buffering');
    expect(r.stdout).toContain('proxy_buffering off');
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as {
      scenarios: { verdict: string; asExpected: boolean; profile: string }[];
    };
    expect(results.scenarios[0]).toMatchObject({
      verdict: 'fail',
      asExpected: false,
      profile: 'buffered-http10',
    });
  });
});

describe('sse-chaos report', () => {
  it('re-renders every report from a results file, and exits 2 on a missing one', async () => {
    const dir = join(out, 'ok');
    const target = join(out, 'rerendered');
    const r = await run(['report', join(dir, 'results.json'), '--out', target]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['report.html', 'results.json', 'junit.xml', 'summary.md']) {
      expect((await readFile(join(target, f), 'utf8')).length).toBeGreaterThan(0);
    }
    const missing = await run(['report', join(out, 'nope.json')]);
    expect(missing.code).toBe(2);
  });
});
