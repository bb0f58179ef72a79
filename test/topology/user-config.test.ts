/**
 * The user's own proxy config: placeholders, the rendered forms, and each proxy's real syntax
 * check, whose complaint points back at the user's file and line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TopologyConfigError } from '../../harness/topology/errors.ts';
import { validateUserConfig } from '../../harness/topology/proxy-syntax.ts';
import {
  checkPlaceholders,
  isNginxSnippet,
  loadUserConfig,
  mapMessage,
  renderUserConfig,
  type UserPlacement,
} from '../../harness/topology/user-config.ts';

const dir = join(import.meta.dirname, 'fixtures', 'user-configs');
const file = (name: string) => join(dir, name);
const placement: UserPlacement = {
  listen: '127.0.0.1:18000',
  upstream: '127.0.0.1:18001',
  admin: '127.0.0.1:18002',
  pidPath: '/tmp/p/nginx.pid',
  errorLog: '/tmp/p/error.log',
  accessLog: 'off',
  tempDir: '/tmp/p/temp',
};
const meta = { profile: 'user', generation: 3 };

describe('placeholders', () => {
  it('requires {{upstream}} everywhere and {{listen}} and {{probe}} outside an nginx snippet', () => {
    expect(() =>
      checkPlaceholders({ kind: 'nginx', file: 'a.conf', text: 'location / { proxy_pass http://x; }' }),
    ).toThrow(/nginx config a\.conf: missing \{\{upstream\}\}/);
    expect(() =>
      checkPlaceholders({ kind: 'haproxy', file: 'h.cfg', text: 'backend b\n server s {{upstream}}\n' }),
    ).toThrow(/missing \{\{listen\}\}.*missing \{\{probe\}\}/);
    expect(() =>
      checkPlaceholders({
        kind: 'nginx',
        file: 'a.conf',
        text: 'location / {\n proxy_pass http://{{upstrem}};\n}',
      }),
    ).toThrow(/line 2: unknown placeholder \{\{upstrem\}\}/);
    expect(() =>
      checkPlaceholders({
        kind: 'caddy',
        file: 'Caddyfile',
        text: 'http://{{listen}} {\n{{probe}}\nroot {{tempDir}}\n reverse_proxy {{upstream}}\n}',
      }),
    ).toThrow(TopologyConfigError);
  });

  it('reads a file, naming it when it cannot', async () => {
    await expect(loadUserConfig('nginx', file('missing.conf'))).rejects.toThrow(
      /cannot read nginx config .*missing\.conf/,
    );
    expect((await loadUserConfig('caddy', file('Caddyfile'))).kind).toBe('caddy');
  });
});

describe('renderUserConfig', () => {
  it("wraps an nginx snippet in sse-chaos's server block, keeping its lines in order", () => {
    const text = readFileSync(file('sse-location.conf'), 'utf8');
    expect(isNginxSnippet(text)).toBe(true);
    const r = renderUserConfig({ kind: 'nginx', file: 'x', text }, placement, meta);
    const lines = r.text.split('\n');
    // Line 3 of the user's file is line 3 + offset of the rendered one.
    expect(lines[3 - 1 + r.lineOffset]).toBe('    proxy_pass http://127.0.0.1:18001;');
    expect(r.text).toMatch(/listen 127\.0\.0\.1:18000;/);
    expect(r.text).toMatch(/return 200 "user 3\\n"/);
  });

  it('fills a whole nginx.conf, adding pid and a notice-level error log on one line', () => {
    const text = readFileSync(file('nginx-full.conf'), 'utf8');
    expect(isNginxSnippet(text)).toBe(false);
    const r = renderUserConfig({ kind: 'nginx', file: 'x', text }, placement, meta);
    expect(r.lineOffset).toBe(1);
    expect(r.text.split('\n')[0]).toMatch(
      /^pid \/tmp\/p\/nginx\.pid; error_log \/tmp\/p\/error\.log notice;/,
    );
    expect(r.text).toMatch(/proxy_temp_path \/tmp\/p\/temp\/proxy;/);
  });

  it("gives Caddy its admin address and no automatic HTTPS, in the user's global block or a new one", () => {
    const plain = renderUserConfig(
      { kind: 'caddy', file: 'x', text: 'http://{{listen}} {\n}\n' },
      placement,
      meta,
    );
    expect(
      plain.text.startsWith('{\n    admin 127.0.0.1:18002\n    auto_https off\n}\nhttp://127.0.0.1:18000 {'),
    ).toBe(true);
    const own = renderUserConfig(
      { kind: 'caddy', file: 'x', text: '{\n    debug\n}\nhttp://{{listen}} {\n}\n' },
      placement,
      meta,
    );
    expect(own.text).toMatch(/^\{\n {4}admin 127\.0\.0\.1:18002\n {4}auto_https off\n {4}debug\n\}/);
  });

  it("points a proxy's message about the rendered file back at the user's file and line", () => {
    const cfg = { kind: 'nginx' as const, file: 'sse.conf', text: '' };
    expect(mapMessage('unknown directive "x" in /tmp/a/nginx.conf:17', '/tmp/a/nginx.conf', cfg, 13)).toBe(
      'unknown directive "x" in sse.conf:4',
    );
  });
});

describe("each proxy's syntax check on the user's config (real binaries)", () => {
  it.each([
    ['nginx', 'sse-location.conf'],
    ['nginx', 'nginx-full.conf'],
    ['haproxy', 'haproxy.cfg'],
    ['caddy', 'Caddyfile'],
  ] as const)('%s accepts %s', async (kind, name) => {
    await expect(validateUserConfig(await loadUserConfig(kind, file(name)))).resolves.toBeUndefined();
  });

  it.each([
    [
      'nginx',
      'nginx-broken.conf',
      /nginx -t.*\n.*unknown directive "proxy_read_timout" in .*nginx-broken\.conf:4/,
    ],
    ['haproxy', 'haproxy-broken.cfg', /haproxy -c -f.*\n[\s\S]*haproxy-broken\.cfg:12[\s\S]*'chek'/],
    ['caddy', 'Caddyfile.broken', /caddy validate.*\n[\s\S]*Caddyfile\.broken:4[\s\S]*flush_intervall/],
  ] as const)('%s refuses %s, quoting itself at the line of the user file', async (kind, name, quote) => {
    const err = await validateUserConfig(await loadUserConfig(kind, file(name))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopologyConfigError);
    expect((err as Error).message).toMatch(quote);
  });
});
