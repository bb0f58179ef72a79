/**
 * Several instances behind each proxy: every profile lists them all (round robin, no stickiness),
 * names the instance that served each response, and lets a stream request move on from a dead one;
 * one instance renders exactly the single-target config. The real binaries accept what is rendered.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UPSTREAM_HEADER } from '../../harness/history/upstream-header.ts';
import { renderCaddyConfig } from '../../harness/topology/caddy-profiles.ts';
import { renderHaproxyConfig } from '../../harness/topology/haproxy-profiles.ts';
import { listProfiles, renderNginxConfig } from '../../harness/topology/nginx-profiles.ts';
import { locateProxy, runSyntaxCheck } from '../../harness/topology/proxy-syntax.ts';
import { servingUpstream } from '../../harness/history/upstream-header.ts';
import { locateNginx } from '../../harness/topology/binaries.ts';
import { execFileSync } from 'node:child_process';

const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-cluster-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const upstreams = ['127.0.0.1:18201', '127.0.0.1:18202', '127.0.0.1:18203'];
const proxyPlacement = { listen: '127.0.0.1:18200', upstream: upstreams[0]!, admin: '127.0.0.1:18209' };
const nginxPlacement = {
  listen: '127.0.0.1:18210',
  upstream: upstreams[0]!,
  pidPath: join(dir, 'nginx.pid'),
  errorLog: join(dir, 'error.log'),
  accessLog: 'off',
  tempDir: dir,
};

describe('the upstream header', () => {
  it("names the upstream that finally answered, from nginx's list of every one it tried", () => {
    expect(servingUpstream('127.0.0.1:1')).toBe('127.0.0.1:1');
    expect(servingUpstream('127.0.0.1:1, 127.0.0.1:2')).toBe('127.0.0.1:2');
    expect(servingUpstream('127.0.0.1:1, 127.0.0.1:2 : 127.0.0.1:3')).toBe('127.0.0.1:3');
  });
});

describe('nginx with several instances', () => {
  it('renders one instance exactly as a single target, whatever the profile', () => {
    for (const { name } of listProfiles()) {
      const single = renderNginxConfig(name, { placement: nginxPlacement });
      expect(
        renderNginxConfig(name, { placement: { ...nginxPlacement, upstreams: [upstreams[0]!] } }),
        name,
      ).toBe(single);
      expect(single).toContain(`        server ${upstreams[0]};\n`);
      expect(single).not.toContain(UPSTREAM_HEADER);
    }
  });

  it('lists every instance without passive health checks, retries a stream on the next, and names the server', () => {
    const conf = renderNginxConfig('good', { placement: { ...nginxPlacement, upstreams } });
    const block = /upstream target \{([^}]*)\}/.exec(conf)![1]!;
    expect(
      block
        .trim()
        .split('\n')
        .map((l) => l.trim()),
    ).toEqual(upstreams.map((u) => `server ${u} max_fails=0;`));
    expect(conf).not.toMatch(/ip_hash|hash |sticky/);
    // Both the plain location and the event-stream one (behind the SSE error page) say it.
    expect(conf.match(/proxy_next_upstream error timeout http_502 http_503 http_504;/g)).toHaveLength(2);
    expect(
      conf.match(new RegExp(`add_header ${UPSTREAM_HEADER} \\$upstream_addr always;`, 'g')),
    ).toHaveLength(2);
  });

  it('is accepted by the real nginx (nginx -t) in every profile', () => {
    const nginx = locateNginx();
    for (const { name } of listProfiles()) {
      const path = join(dir, `nginx-${name}.conf`);
      writeFileSync(path, renderNginxConfig(name, { placement: { ...nginxPlacement, upstreams } }));
      expect(() =>
        execFileSync(nginx, ['-t', '-q', '-p', `${dir}/`, '-e', join(dir, 'test.log'), '-c', path], {
          stdio: 'pipe',
        }),
      ).not.toThrow();
    }
  });
});

describe('HAProxy and Caddy with several instances', () => {
  it('HAProxy: round robin over health-checked servers named by instance, redispatch, the serving address in the header', async () => {
    const single = renderHaproxyConfig('good', proxyPlacement, { profile: 'good', generation: 1 });
    expect(
      renderHaproxyConfig(
        'good',
        { ...proxyPlacement, upstreams: [upstreams[0]!] },
        { profile: 'good', generation: 1 },
      ),
    ).toBe(single);
    const conf = renderHaproxyConfig(
      'good',
      { ...proxyPlacement, upstreams },
      { profile: 'good', generation: 1 },
    );
    expect(conf).toContain('    balance roundrobin\n    option redispatch\n');
    expect(conf).toContain(`    http-response set-header ${UPSTREAM_HEADER} "%si:%sp"`);
    for (const [i, u] of upstreams.entries())
      expect(conf).toContain(`    server instance-${i + 1} ${u} check inter 500ms`);
    const path = join(dir, 'haproxy.cfg');
    writeFileSync(path, conf);
    expect(await runSyntaxCheck('haproxy', locateProxy('haproxy'), path, dir)).toBeUndefined();
  });

  it('Caddy: every upstream in one reverse_proxy, round robin, retried for a second, the upstream in the header', async () => {
    const single = renderCaddyConfig('good', proxyPlacement, { profile: 'good', generation: 1 });
    expect(
      renderCaddyConfig(
        'good',
        { ...proxyPlacement, upstreams: [upstreams[0]!] },
        { profile: 'good', generation: 1 },
      ),
    ).toBe(single);
    const conf = renderCaddyConfig(
      'good',
      { ...proxyPlacement, upstreams },
      { profile: 'good', generation: 1 },
    );
    expect(conf).toContain(`    reverse_proxy ${upstreams.join(' ')} {`);
    expect(conf).toContain('        lb_policy round_robin\n        lb_try_duration 1s\n');
    expect(conf).toContain(`        header_down +${UPSTREAM_HEADER} {http.reverse_proxy.upstream.hostport}`);
    const path = join(dir, 'Caddyfile');
    writeFileSync(path, conf);
    expect(await runSyntaxCheck('caddy', locateProxy('caddy'), path, dir)).toBeUndefined();
  });
});
