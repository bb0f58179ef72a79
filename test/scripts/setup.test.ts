import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLUSTER_TOOLS,
  MIN_NODE,
  clusterToolsPlan,
  compareVersions,
  depsOutOfSync,
  npmPlan,
} from '../../scripts/setup-lib.mjs';

const setup = fileURLToPath(new URL('../../scripts/setup.mjs', import.meta.url));

function runSetup(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [setup], { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('setup decision logic', () => {
  it('installs the cluster and network tools as root with apt, and otherwise names what is missing', () => {
    const all = Object.fromEntries(CLUSTER_TOOLS.map((t) => [t.command, true]));
    expect(clusterToolsPlan({ have: all, isRoot: true, hasApt: true })).toEqual({ install: [], missing: [] });
    const none = Object.fromEntries(CLUSTER_TOOLS.map((t) => [t.command, false]));
    // One apt package per tool set: ip and tc both come from iproute2.
    expect(clusterToolsPlan({ have: none, isRoot: true, hasApt: true }).install).toEqual([
      'redis-server',
      'nftables',
      'iproute2',
    ]);
    const user = clusterToolsPlan({ have: { ...all, 'redis-server': false }, isRoot: false, hasApt: true });
    expect(user.install).toEqual([]);
    expect(user.missing.map((t) => t.pkg)).toEqual(['redis-server']);
    expect(
      clusterToolsPlan({ have: { ...all, nft: false }, isRoot: true, hasApt: false }).missing,
    ).toHaveLength(1);
  });

  it('compares versions numerically; Node 20.19 is the floor (require() of the ESM package)', () => {
    expect(compareVersions('1.23', '1.23.0')).toBe(0);
    expect(compareVersions('1.9', '1.23')).toBeLessThan(0);
    expect(compareVersions('20.18.0', '20.9.1')).toBeGreaterThan(0);
    expect(compareVersions('20.18.3', MIN_NODE)).toBeLessThan(0);
  });

  it('detects node_modules out of sync with package-lock.json, ignoring uninstalled optional packages', () => {
    const lock = {
      packages: {
        '': { version: '0.1.0' },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/@esbuild/win32-x64': { version: '0.1.0', optional: true },
      },
    };
    expect(depsOutOfSync(lock, { packages: { 'node_modules/a': { version: '1.0.0' } } })).toBeUndefined();
    expect(depsOutOfSync(lock, { packages: { 'node_modules/a': { version: '0.9.0' } } })).toBe(
      'a is 0.9.0, package-lock.json wants 1.0.0',
    );
    expect(depsOutOfSync(lock, { packages: {} })).toBe('a is missing');
    expect(depsOutOfSync(lock, undefined)).toMatch(/no \.package-lock\.json/);
  });

  it('plans npm ci for a fresh clone and install otherwise', () => {
    expect(npmPlan({ hasNodeModules: false, hasLock: true })[0]).toBe('ci');
    expect(npmPlan({ hasNodeModules: false, hasLock: false })[0]).toBe('install');
    expect(npmPlan({ hasNodeModules: true, hasLock: true })[0]).toBe('install');
  });
});

describe('scripts/setup.mjs (real run)', () => {
  it('finds what this machine has and prints paths and versions', async () => {
    const { code, stdout, stderr } = await runSetup({ ...process.env, SSE_CHAOS_SETUP_NO_INSTALL: '1' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sse-chaos setup: ok \(\d+ ms\)/);
    expect(stdout).toMatch(/npm deps\s+in sync with package-lock\.json/);
    expect(stdout).toMatch(/nginx\s+\d+\.\d+\.\d+\s+\//);
    expect(stdout).toMatch(/toxiproxy\s+2\.12\.0\s+\//);
  });

  it('exits 1 with the fix when toxiproxy is missing (check-only mode), naming the cache it looked in', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'sse-chaos-cache-'));
    try {
      const { code, stdout, stderr } = await runSetup({
        ...process.env,
        PATH: dirname(process.execPath),
        SSE_CHAOS_CACHE_DIR: cache,
        SSE_CHAOS_TOXIPROXY: '',
        SSE_CHAOS_SKIP_BROWSER: '1',
        SSE_CHAOS_SETUP_NO_INSTALL: '1',
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(/toxiproxy\s+\[missing\]/);
      expect(stdout).toMatch(/chromium\s+\[skipped\]/);
      expect(stderr).toContain('npx sse-chaos install');
      expect(stderr).toContain(`GOBIN=${cache}/toxiproxy-v2.12.0 go install`);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
