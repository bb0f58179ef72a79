/**
 * Your proxy on the command line, through the real bin: --proxy (and a matrix of several), the
 * user's own nginx, HAProxy and Caddy configs (a broken one is exit 2 quoting the proxy at the
 * user's line, before anything starts), and a diagnosis that points at the user's own directive.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, type BinRun } from './run-bin.ts';

const fixtures = new URL('../topology/fixtures/user-configs/', import.meta.url).pathname;
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'sse-chaos-cli-proxies-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const run = (args: string[], timeoutMs = 90_000): Promise<BinRun> =>
  runBin(args, timeoutMs, { SSE_CHAOS_RUNTIME: 'local' });

describe('bad proxy input exits 2 before anything starts', () => {
  it('an unknown proxy', async () => {
    const r = await run(['--proxy', 'envoy', '--scenario', 'baseline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--proxy: unknown proxy "envoy"; known: nginx, haproxy, caddy/);
  });

  it('a profile the proxy does not have', async () => {
    const r = await run(['--proxy', 'caddy', '--profile', 'buffered-http10', '--scenario', 'baseline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--profile: unknown caddy profile "buffered-http10"; known: good/);
  });

  it.each([
    [
      '--nginx-config',
      'nginx-broken.conf',
      /nginx -t\):\n.*unknown directive "proxy_read_timout" in .*nginx-broken\.conf:4/,
    ],
    ['--haproxy-config', 'haproxy-broken.cfg', /haproxy -c -f\):[\s\S]*haproxy-broken\.cfg:12/],
    ['--caddy-config', 'Caddyfile.broken', /caddy validate\):[\s\S]*Caddyfile\.broken:4/],
  ])('%s %s: the syntax check, quoted at the line of your file', async (flag, name, quote) => {
    const r = await run([flag, join(fixtures, name), '--scenario', 'baseline', '--out', join(out, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(quote);
  });

  it('a config for a proxy the run does not use', async () => {
    const r = await run([
      '--proxy',
      'nginx',
      '--caddy-config',
      join(fixtures, 'Caddyfile'),
      '--scenario',
      'baseline',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a caddy config was given .* add --proxy caddy/);
  });
});

describe('runs on your proxy config', () => {
  it.each([
    ['--nginx-config', 'sse-location.conf', 'nginx'],
    ['--haproxy-config', 'haproxy.cfg', 'haproxy'],
    ['--caddy-config', 'Caddyfile', 'caddy'],
  ])('%s %s passes baseline on profile user', async (flag, name, kind) => {
    const dir = join(out, kind);
    const r = await run([flag, join(fixtures, name), '--scenario', 'baseline', '--out', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as {
      scenarios: Array<{ name: string; proxy: string; profile: string; verdict: string }>;
    };
    expect(results.scenarios).toEqual([
      expect.objectContaining({ name: 'baseline', proxy: kind, profile: 'user' }),
    ]);
  });

  it('points the idle-cut diagnosis at your proxy_read_timeout and its line', async () => {
    const dir = join(out, 'short');
    const r = await run([
      '--nginx-config',
      join(fixtures, 'nginx-short-read.conf'),
      '--scenario',
      'idle-stretch',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no-idle-cuts: measured \d+connections .* VIOLATED/);
    expect(r.stdout).toMatch(
      /your `proxy_read_timeout 600ms` \(line 7 of .*nginx-short-read\.conf\) is shorter than the declared heartbeat \(1000 ms\)/i,
    );
  });
});

describe('a matrix over several proxies', () => {
  it('runs each scenario behind each proxy in one report, the proxy in the result name', async () => {
    const dir = join(out, 'matrix');
    const r = await run(
      ['--proxy', 'nginx', '--proxy', 'haproxy', '--proxy', 'caddy', '--scenario', 'baseline', '--out', dir],
      120_000,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as {
      scenarios: Array<{ name: string; proxy: string; verdict: string }>;
    };
    expect(results.scenarios.map((s) => [s.name, s.proxy, s.verdict])).toEqual([
      ['baseline@nginx', 'nginx', 'pass'],
      ['baseline@haproxy', 'haproxy', 'pass'],
      ['baseline@caddy', 'caddy', 'pass'],
    ]);
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toMatch(/baseline@haproxy/);
  }, 150_000);
});
