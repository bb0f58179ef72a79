import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compareVersions,
  depsOutOfSync,
  formatReport,
  installHint,
  npmPlan,
  parseChromiumVersion,
  parseGoVersion,
  parseNginxVersion,
  parseToxiproxyVersion,
  systemInstallPlan,
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
  it('parses versions', () => {
    expect(parseNginxVersion('nginx version: nginx/1.22.1')).toBe('1.22.1');
    expect(parseToxiproxyVersion('toxiproxy-server version 2.12.0')).toBe('2.12.0');
    expect(parseToxiproxyVersion('toxiproxy-server version git')).toBeUndefined();
    expect(parseGoVersion('go version go1.23.4 linux/amd64')).toBe('1.23.4');
    expect(parseGoVersion('go version go1.24 linux/amd64')).toBe('1.24');
    expect(parseChromiumVersion('Chromium 156.0.8078.79 built on Debian')).toBe('156.0.8078.79');
  });

  it('compares versions numerically', () => {
    expect(compareVersions('1.23', '1.23.0')).toBe(0);
    expect(compareVersions('1.9', '1.23')).toBeLessThan(0);
    expect(compareVersions('20.18.0', '20.9.1')).toBeGreaterThan(0);
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

  it('installs system packages only as root with apt, and never in check-only mode', () => {
    expect(systemInstallPlan({ isRoot: true, hasApt: true, noInstall: false })).toBe('apt');
    expect(systemInstallPlan({ isRoot: false, hasApt: true, noInstall: false })).toBe('manual');
    expect(systemInstallPlan({ isRoot: true, hasApt: false, noInstall: false })).toBe('manual');
    expect(systemInstallPlan({ isRoot: true, hasApt: true, noInstall: true })).toBe('manual');
  });

  it('hints give the apt, dnf and brew commands, and the pinned toxiproxy build', () => {
    const nginx = installHint('nginx', '/p/.tools');
    for (const cmd of ['apt-get install -y nginx-light', 'dnf install -y nginx', 'brew install nginx'])
      expect(nginx).toContain(cmd);
    const toxi = installHint('toxiproxy', '/p/.tools');
    expect(toxi).toContain('GOBIN=/p/.tools/gobin go install');
    expect(toxi).toContain('github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0');
    expect(toxi).toContain('-X github.com/Shopify/toxiproxy/v2.Version=2.12.0');
    expect(toxi).toContain('/p/.tools/bin/toxiproxy-server');
  });

  it('formats a short aligned report', () => {
    const text = formatReport(
      [
        { name: 'nginx', status: 'ok', detail: '1.22.1  /usr/sbin/nginx' },
        { name: 'toxiproxy', status: 'missing', detail: 'not found' },
      ],
      12.4,
      false,
    );
    expect(text.split('\n')).toEqual([
      'sse-chaos setup: FAILED (12 ms)',
      '  nginx      1.22.1  /usr/sbin/nginx',
      '  toxiproxy  [missing] not found',
    ]);
  });
});

describe('scripts/setup.mjs (real run)', () => {
  it('finds what this machine has and prints paths and versions', async () => {
    const { code, stdout, stderr } = await runSetup({ ...process.env, SSE_CHAOS_SETUP_NO_INSTALL: '1' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sse-chaos setup: ok \(\d+ ms\)/);
    expect(stdout).toMatch(/nginx\s+\d+\.\d+\.\d+\s+\//);
    expect(stdout).toMatch(/toxiproxy\s+2\.12\.0\s+\//);
  });

  it('exits 1 with the fix when toxiproxy is missing (check-only mode)', async () => {
    const tools = mkdtempSync(join(tmpdir(), 'sse-chaos-tools-'));
    try {
      const { code, stdout, stderr } = await runSetup({
        ...process.env,
        PATH: dirname(process.execPath),
        SSE_CHAOS_TOOLS_DIR: tools,
        SSE_CHAOS_TOXIPROXY: '',
        SSE_CHAOS_SKIP_BROWSER: '1',
        SSE_CHAOS_SETUP_NO_INSTALL: '1',
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(/toxiproxy\s+\[missing\]/);
      expect(stdout).toMatch(/chromium\s+\[skipped\]/);
      expect(stderr).toContain(`GOBIN=${tools}/gobin go install`);
    } finally {
      rmSync(tools, { recursive: true, force: true });
    }
  });
});
