import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  listProfiles,
  renderNginxConfig,
  retryBuckets,
  type Placement,
} from '../../harness/topology/nginx-profiles.ts';
import { TopologyConfigError } from '../../harness/topology/errors.ts';
import { liveWorkers, workersRetired } from '../../harness/topology/nginx-probe.ts';
import { locateNginx } from '../../harness/topology/binaries.ts';

const placement: Placement = {
  listen: '127.0.0.1:18080',
  upstream: '127.0.0.1:18081',
  pidPath: '/tmp/x/nginx.pid',
  errorLog: '/tmp/x/error.log',
  accessLog: 'off',
  tempDir: '/tmp/x/temp',
};
const render = (profile: string, params = {}): string => renderNginxConfig(profile, { placement, params });
const directive = (conf: string, name: string): string | undefined =>
  new RegExp(`^\\s*${name} ([^;]*);`, 'm').exec(conf)?.[1];
const ms = (v: string | undefined): number => Number(/^(\d+)ms$/.exec(v ?? '')?.[1] ?? NaN);

describe('nginx profiles', () => {
  it('lists the required profiles, each with a description and a symptom', () => {
    const names = listProfiles().map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'good',
        'buffered-http10',
        'short-read-timeout',
        'gzip-buffered',
        'low-worker-connections',
      ]),
    );
    for (const p of listProfiles()) {
      expect(p.description.length).toBeGreaterThan(10);
      expect(p.symptom.length).toBeGreaterThan(10);
    }
  });

  it('every profile sets proxy_http_version explicitly and leaves no placeholder', () => {
    for (const { name } of listProfiles()) {
      const conf = render(name);
      expect(directive(conf, 'proxy_http_version'), name).toMatch(/^1\.[01]$/);
      expect(conf, name).not.toMatch(/\{\{/);
      expect(conf).toContain(`listen ${placement.listen};`);
      expect(conf).toContain(`server ${placement.upstream};`);
    }
  });

  it('good: HTTP/1.1, Connection "", no buffering, no cache, no gzip, read timeout far above the heartbeat', () => {
    const conf = render('good', { heartbeatMs: 1000 });
    expect(directive(conf, 'proxy_http_version')).toBe('1.1');
    expect(directive(conf, 'proxy_set_header Connection')).toBe('""');
    expect(directive(conf, 'proxy_buffering')).toBe('off');
    expect(directive(conf, 'proxy_cache')).toBe('off');
    expect(directive(conf, 'gzip')).toBe('off');
    expect(ms(directive(conf, 'proxy_read_timeout'))).toBeGreaterThanOrEqual(10 * 1000);
    expect(
      ms(directive(render('good', { heartbeatMs: 20_000 }), 'proxy_read_timeout')),
    ).toBeGreaterThanOrEqual(200_000);
  });

  it('good turns an unavailable upstream into a jittered retry hint for event streams only; bare-errors does not', () => {
    const conf = render('good', { heartbeatMs: 1000 });
    expect(conf).toContain('"~*text/event-stream" 1;');
    expect(conf).toMatch(/if \(\$sse_wants_stream\) \{\s+return 418;/);
    expect(directive(conf, 'error_page 502 503 504 =')).toBe('@sse_unavailable');
    expect(conf).toContain('return 200 "retry: $sse_retry_ms\\n\\n";');
    const values = [...conf.matchAll(/^\s+(?:[\d.]+%|\*) (\d+);$/gm)].map((m) => Number(m[1]));
    expect(values).toEqual(retryBuckets(1000, 3000));
    // The stream location proxies exactly like location / (one shared list of directives).
    const proxyBlock = (from: string) =>
      conf.slice(conf.indexOf(from)).split('proxy_pass')[1]!.split('gzip off;')[0];
    expect(proxyBlock('location @sse_stream')).toBe(proxyBlock('location / {'));
    const bare = render('bare-errors');
    expect(bare).not.toContain('error_page');
    expect(bare).not.toContain('split_clients');
    expect(listProfiles().find((p) => p.name === 'bare-errors')!.symptom).toMatch(/stop for good/);
    // Misconfigurations show their own symptom only: none carries the error page.
    for (const name of ['buffered-http10', 'limit-conn', 'short-read-timeout']) {
      expect(render(name), name).not.toContain('@sse_unavailable');
    }
  });

  it('the retry range follows the heartbeat, or the params, and rejects an inverted range', () => {
    expect(retryBuckets(1000, 3000)).toHaveLength(20);
    expect(retryBuckets(1000, 3000).at(0)).toBe(1000);
    expect(retryBuckets(1000, 3000).at(-1)).toBe(3000);
    expect(render('good', { heartbeatMs: 15_000 })).toContain('* 45000;');
    expect(render('good', { heartbeatMs: 15_000 })).toContain('5% 15000;');
    const own = render('good', { unavailableRetryMinMs: 3000, unavailableRetryMaxMs: 4000 });
    expect(own).toContain('5% 3000;');
    expect(own).toContain('* 4000;');
    expect(() => render('good', { unavailableRetryMinMs: 3000, unavailableRetryMaxMs: 2000 })).toThrow(
      /unavailableRetryMaxMs \(2000\) must be >= unavailableRetryMinMs \(3000\)/,
    );
  });

  it('short-read-timeout cuts below the heartbeat, and follows it', () => {
    for (const heartbeatMs of [1000, 15_000]) {
      const t = ms(directive(render('short-read-timeout', { heartbeatMs }), 'proxy_read_timeout'));
      expect(t).toBeLessThan(heartbeatMs);
      expect(t).toBeGreaterThanOrEqual(heartbeatMs / 2);
    }
    expect(directive(render('short-read-timeout', { readTimeoutMs: 250 }), 'proxy_read_timeout')).toBe(
      '250ms',
    );
  });

  it('buffered profiles buffer and ignore X-Accel-Buffering unless asked to honor it', () => {
    const b = render('buffered-http10');
    expect(directive(b, 'proxy_http_version')).toBe('1.0');
    expect(directive(b, 'proxy_buffering')).toBe('on');
    expect(directive(b, 'proxy_ignore_headers')).toBe('X-Accel-Buffering');
    expect(
      directive(render('buffered-http10', { honorAccelBuffering: true }), 'proxy_ignore_headers'),
    ).toBeUndefined();
    const g = render('gzip-buffered');
    expect(directive(g, 'gzip')).toBe('on');
    expect(directive(g, 'gzip_types')).toBe('text/event-stream');
    expect(directive(g, 'proxy_buffering')).toBe('on');
  });

  it('parameterised profiles use their parameters', () => {
    expect(directive(render('low-worker-connections'), 'worker_connections')).toBe('16');
    expect(directive(render('low-worker-connections', { workerConnections: 40 }), 'worker_connections')).toBe(
      '40',
    );
    expect(directive(render('good'), 'worker_connections')).toBe('1024');
    expect(
      directive(
        render('worker-shutdown-timeout', { workerShutdownTimeoutMs: 1500 }),
        'worker_shutdown_timeout',
      ),
    ).toBe('1500ms');
    expect(directive(render('limit-conn', { limitConn: 3 }), 'limit_conn')).toBe('sse_perip 3');
    expect(render('proxy-cache')).toContain(`proxy_cache_path ${placement.tempDir}/cache`);
  });

  it('the generation appears in the readiness probe', () => {
    expect(renderNginxConfig('good', { placement, generation: 7 })).toContain('return 200 "good 7\\n";');
  });

  it('rejects unknown profiles and bad parameters with a clear error', () => {
    expect(() => render('nope')).toThrow(TopologyConfigError);
    expect(() => render('nope')).toThrow(/unknown nginx profile "nope"; known: good, /);
    expect(() => render('good', { heartbeatMs: 0 })).toThrow(
      /"heartbeatMs" must be a positive integer, got 0/,
    );
    expect(() => render('good', { readTimeoutMs: 1.5 })).toThrow(/readTimeoutMs/);
    expect(() => render('good', { bogus: 1 })).toThrow(/unknown nginx profile parameter "bogus"/);
    expect(() => renderNginxConfig('good', { placement, template: '{{nope}}' })).toThrow(
      /unknown placeholder \{\{nope\}\}/,
    );
  });

  it('every rendered profile passes `nginx -t` on the real nginx', () => {
    const nginx = locateNginx();
    const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-nginx-t-'));
    try {
      mkdirSync(join(dir, 'temp'));
      const place: Placement = {
        ...placement,
        pidPath: join(dir, 'nginx.pid'),
        errorLog: join(dir, 'error.log'),
        tempDir: join(dir, 'temp'),
      };
      for (const { name } of listProfiles()) {
        const conf = join(dir, `${name}.conf`);
        writeFileSync(conf, renderNginxConfig(name, { placement: place }));
        // Throws (with nginx's message) when the config is invalid.
        execFileSync(nginx, ['-t', '-q', '-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', conf], {
          stdio: 'pipe',
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nginx reload bookkeeping from the error log', () => {
  const log = [
    '... [notice] 10#10: start worker process 11',
    '... [notice] 10#10: signal 1 (SIGHUP) received from 9, reconfiguring',
    '... [notice] 10#10: start worker process 12',
  ].join('\n');

  it('tracks live workers', () => {
    expect([...liveWorkers(log)]).toEqual(['11', '12']);
    expect([...liveWorkers(`${log}\n... worker process 11 exited with code 0`)]).toEqual(['12']);
  });

  it('knows when old workers stopped accepting', () => {
    expect(workersRetired(log, ['11'])).toBe(false);
    expect(workersRetired(`${log}\n... [notice] 11#11: gracefully shutting down`, ['11'])).toBe(true);
    expect(workersRetired(`${log}\n... [notice] 110#110: gracefully shutting down`, ['11'])).toBe(false);
  });
});
