import { describe, expect, it } from 'vitest';
import { parseDuration, proxyFacts } from '../../harness/topology/proxy-facts.ts';

describe('parseDuration', () => {
  it("reads each proxy's duration syntax, a bare number in the proxy's own unit", () => {
    expect(parseDuration('30s', 's')).toBe(30_000);
    expect(parseDuration('1m30s', 's')).toBe(90_000);
    expect(parseDuration('600ms', 'ms')).toBe(600);
    expect(parseDuration('75', 's')).toBe(75_000); // nginx: seconds
    expect(parseDuration('75', 'ms')).toBe(75); // HAProxy: milliseconds
    expect(parseDuration('2h', 'ms')).toBe(7_200_000);
    expect(parseDuration('soon', 's')).toBeUndefined();
  });
});

describe('proxyFacts', () => {
  it("finds nginx's idle timeouts, buffering and gzip with their lines, and what nginx does by default", () => {
    const text = [
      'location /events {', // 1
      '    proxy_pass http://{{upstream}};', // 2
      '    # proxy_read_timeout 1h;', // 3: a comment
      '    proxy_read_timeout 30s;', // 4
      '    gzip on; gzip_types text/event-stream;', // 5
      '}',
    ].join('\n');
    const f = proxyFacts({ kind: 'nginx', file: 'sse.conf', text });
    expect(f.idleTimeouts).toEqual([{ text: 'proxy_read_timeout 30s', line: 4, ms: 30_000 }]);
    expect(f.compression.map((d) => [d.text, d.line])).toEqual([
      ['gzip on', 5],
      ['gzip_types text/event-stream', 5],
    ]);
    expect(f.buffering).toEqual([]);
    expect(f.defaults.join(' ')).toMatch(/no `proxy_buffering` directive: nginx buffers/);
  });

  it("finds HAProxy's timeouts (in ms by default) and compression", () => {
    const text =
      'defaults\n  timeout client 50000\n  timeout server 50s\n  timeout tunnel 1h\nbackend b\n  compression algo gzip\n';
    const f = proxyFacts({ kind: 'haproxy', file: 'haproxy.cfg', text });
    expect(f.idleTimeouts.map((d) => [d.text, d.line, d.ms])).toEqual([
      ['timeout client 50000', 2, 50_000],
      ['timeout server 50s', 3, 50_000],
    ]);
    expect(f.compression.map((d) => d.line)).toEqual([6]);
  });

  it("tells Caddy's transport read_timeout (idle) from its server write timeout (a deadline)", () => {
    const text = [
      '{',
      '  servers {',
      '    timeouts {',
      '      write 15s',
      '    }',
      '  }',
      '}',
      'http://{{listen}} {',
      '  encode gzip',
      '  reverse_proxy {{upstream}} {',
      '    flush_interval 2s',
      '    transport http {',
      '      read_timeout 30s',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const f = proxyFacts({ kind: 'caddy', file: 'Caddyfile', text });
    expect(f.ageTimeouts).toEqual([{ text: 'write 15s', line: 4, ms: 15_000 }]);
    expect(f.idleTimeouts).toEqual([{ text: 'read_timeout 30s', line: 13, ms: 30_000 }]);
    expect(f.compression.map((d) => d.text)).toEqual(['encode gzip']);
    expect(f.buffering.map((d) => d.text)).toEqual(['flush_interval 2s']);
  });
});
