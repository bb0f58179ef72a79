/** HAProxy and Caddy profiles: what each renders, and that the real binary accepts every one. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCaddyConfig } from '../../harness/topology/caddy-profiles.ts';
import { TopologyConfigError } from '../../harness/topology/errors.ts';
import { renderHaproxyConfig } from '../../harness/topology/haproxy-profiles.ts';
import { isProxyProfile, listProxyProfiles } from '../../harness/topology/proxy-profiles.ts';
import { locateProxy, runSyntaxCheck } from '../../harness/topology/proxy-syntax.ts';

const placement = { listen: '127.0.0.1:18100', upstream: '127.0.0.1:18101', admin: '127.0.0.1:18102' };
const meta = (profile: string) => ({ profile, generation: 1 });
const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-profiles-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('profile tables', () => {
  it('give every proxy a good profile and misconfigurations, each with a symptom; emulations say what they emulate', () => {
    for (const kind of ['nginx', 'haproxy', 'caddy'] as const) {
      const profiles = listProxyProfiles(kind);
      expect(profiles.map((p) => p.name)).toContain('good');
      for (const p of profiles) expect(p.symptom.length).toBeGreaterThan(20);
    }
    const emulations = [...listProxyProfiles('haproxy'), ...listProxyProfiles('caddy')].filter(
      (p) => p.emulates,
    );
    expect(emulations.map((p) => p.name).sort()).toEqual([
      'cdn-compression',
      'cdn-idle-timeout',
      'cloud-lb-idle-timeout',
      'envoy-route-timeout',
    ]);
    expect(isProxyProfile('haproxy', 'buffered-http10')).toBe(false);
  });
});

describe('haproxy profiles', () => {
  const render = (p: string, params = {}) => renderHaproxyConfig(p, placement, meta(p), params);

  it('good: no delay on writes, timeouts far above the heartbeat, the SSE error page jittered over the retry range', () => {
    const conf = render('good', {
      heartbeatMs: 1000,
      unavailableRetryMinMs: 1000,
      unavailableRetryMaxMs: 3000,
    });
    expect(conf).toMatch(/option http-no-delay/);
    expect(conf).toMatch(/timeout server 60000ms/);
    expect(conf).toMatch(/http-error status 503 .*retry: %\[rand\(2001\),add\(1000\)\]/);
    expect(conf).toMatch(
      /http-after-response set-status 200 if \{ status 502:504 \} \{ var\(txn\.sse\) -m int 1 \}/,
    );
    expect(conf).toMatch(/server target 127\.0\.0\.1:18101/);
  });

  it('scales the idle timeouts of the misconfigurations and emulations to the heartbeat', () => {
    const ms = (conf: string) => Number(/timeout server (\d+)ms/.exec(conf)![1]);
    expect(ms(render('short-timeouts', { heartbeatMs: 2000 }))).toBe(1200);
    expect(ms(render('cloud-lb-idle-timeout', { heartbeatMs: 900 }))).toBe(600);
    expect(ms(render('cdn-idle-timeout', { heartbeatMs: 1200 }))).toBe(1000);
    expect(render('tunnel-timeout')).toMatch(/timeout tunnel 3600000ms/);
    expect(render('delayed-writes')).not.toMatch(/http-no-delay/);
    expect(() => render('nope')).toThrow(TopologyConfigError);
  });

  it.each(listProxyProfiles('haproxy').map((p) => p.name))('%s passes haproxy -c', async (name) => {
    const path = join(dir, `${name}.cfg`);
    writeFileSync(path, render(name));
    expect(await runSyntaxCheck('haproxy', locateProxy('haproxy'), path, dir)).toBeUndefined();
  });
});

describe('caddy profiles', () => {
  const render = (p: string, params = {}) => renderCaddyConfig(p, placement, meta(p), params);

  it('good: flush at once, the admin endpoint, the SSE error page with ten retry buckets', () => {
    const conf = render('good', { heartbeatMs: 1000 });
    expect(conf).toMatch(/admin 127\.0\.0\.1:18102/);
    expect(conf).toMatch(/flush_interval -1/);
    expect(conf.match(/^ {8}~\d\$ \d+$/gm)).toHaveLength(9);
    expect(conf).not.toMatch(/timeouts|read_timeout/);
  });

  it('read-timeout is an idle timer on the upstream; write-timeout and envoy-route-timeout are deadlines', () => {
    expect(render('read-timeout', { heartbeatMs: 1000 })).toMatch(/read_timeout 600ms/);
    expect(render('write-timeout', { heartbeatMs: 1000 })).toMatch(/timeouts \{\n\s+write 2000ms/);
    expect(render('envoy-route-timeout', { heartbeatMs: 1000 })).toMatch(/write 1500ms/);
  });

  it.each(listProxyProfiles('caddy').map((p) => p.name))('%s passes caddy validate', async (name) => {
    const path = join(dir, `${name}.Caddyfile`);
    writeFileSync(path, render(name));
    expect(await runSyntaxCheck('caddy', locateProxy('caddy'), path, dir)).toBeUndefined();
  });
});
