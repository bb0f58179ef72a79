import { describe, expect, it } from 'vitest';
import { goInstallArgs, installHint } from '../../harness/install/hints.ts';
import { compareVersions, parseChromiumVersion, parseGoVersion } from '../../harness/install/find.ts';
import { formatReport } from '../../harness/install/report.ts';

describe('install hints', () => {
  it('nginx: the install command first, then apt, dnf and brew', () => {
    const nginx = installHint('nginx', '/c/toxiproxy-v2.12.0/toxiproxy-server');
    expect(nginx).toContain('npx sse-chaos install --with-deps');
    for (const cmd of ['apt-get install -y nginx-light', 'dnf install -y nginx', 'brew install nginx'])
      expect(nginx).toContain(cmd);
  });

  it('toxiproxy: the pinned go install into the cache folder, the release download, the env override', () => {
    const toxi = installHint('toxiproxy', '/c/toxiproxy-v2.12.0/toxiproxy-server');
    expect(toxi).toContain('GOBIN=/c/toxiproxy-v2.12.0 go install');
    expect(toxi).toContain('-X github.com/Shopify/toxiproxy/v2.Version=2.12.0');
    expect(toxi).toContain('github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0');
    expect(toxi).toContain('mv /c/toxiproxy-v2.12.0/server /c/toxiproxy-v2.12.0/toxiproxy-server');
    expect(toxi).toContain('SSE_CHAOS_TOXIPROXY');
  });

  it('chromium: --browser with --with-deps, or by hand', () => {
    expect(installHint('chromium', '/x')).toContain('npx sse-chaos install --with-deps --browser');
  });

  it('the go install stamps the version (else GET /version answers "git")', () => {
    expect(goInstallArgs()).toEqual([
      'install',
      '-ldflags',
      '-X github.com/Shopify/toxiproxy/v2.Version=2.12.0',
      'github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0',
    ]);
  });
});

describe('versions', () => {
  it('parses go and chromium versions and compares numerically', () => {
    expect(parseGoVersion('go version go1.23.4 linux/amd64')).toBe('1.23.4');
    expect(parseGoVersion('go version go1.24 linux/amd64')).toBe('1.24');
    expect(parseChromiumVersion('Chromium 156.0.8078.79 built on Debian')).toBe('156.0.8078.79');
    expect(compareVersions('1.9', '1.23')).toBeLessThan(0);
    expect(compareVersions('1.23', '1.23.0')).toBe(0);
  });
});

describe('report', () => {
  it('is one aligned line per component under a title with the verdict', () => {
    const text = formatReport(
      'sse-chaos install',
      [
        { name: 'nginx', status: 'ok', detail: '1.22.1  /usr/sbin/nginx' },
        { name: 'toxiproxy', status: 'missing', detail: 'not found' },
      ],
      12.4,
      false,
    );
    expect(text.split('\n')).toEqual([
      'sse-chaos install: FAILED (12 ms)',
      '  nginx      1.22.1  /usr/sbin/nginx',
      '  toxiproxy  [missing] not found',
    ]);
  });
});

describe('proxy hints', () => {
  it.each(['haproxy', 'caddy'] as const)(
    '%s: the install command with --proxy, then apt, dnf, brew and the env override',
    (tool) => {
      const hint = installHint(tool, '/c/toxiproxy-server');
      expect(hint).toContain(`npx sse-chaos install --with-deps --proxy ${tool}`);
      expect(hint).toContain(`sudo apt-get install -y ${tool}`);
      expect(hint).toContain(`brew install ${tool}`);
      expect(hint).toContain(`SSE_CHAOS_${tool.toUpperCase()}`);
    },
  );
});
