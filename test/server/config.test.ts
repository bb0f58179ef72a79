import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../server/config.ts';

describe('parseConfig', () => {
  it('has documented defaults', () => {
    expect(DEFAULT_CONFIG).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      heartbeatMs: 15000,
      retryMs: 3000,
      retryJitterMs: 1000,
      log: 'memory',
      logRetention: 10000,
      fsync: 'interval',
      graceMs: 10000,
    });
    expect(DEFAULT_CONFIG.publishToken).toBeUndefined();
  });
  it('takes flags over environment over defaults', () => {
    const out = parseConfig(['--port', '0', '--log', 'file', '--log-path', '/tmp/x.journal'], {
      SSE_PORT: '9000',
      SSE_HEARTBEAT_MS: '250',
      SSE_PUBLISH_TOKEN: 'tok',
      SSE_RETRY_MS: '',
    });
    expect(out).toEqual({
      kind: 'config',
      config: expect.objectContaining({
        port: 0,
        heartbeatMs: 250,
        publishToken: 'tok',
        retryMs: 3000,
        log: 'file',
      }),
    });
  });
  it('names the flag, the value and its source in errors', () => {
    const bad = (argv: string[], env: Record<string, string> = {}) => {
      const out = parseConfig(argv, env);
      if (out.kind !== 'error') throw new Error(`expected an error for ${argv.join(' ')}`);
      return out.message;
    };
    expect(bad(['--port', 'eighty'])).toBe(
      '--port must be a non-negative integer (got "eighty" from --port)',
    );
    expect(bad([], { SSE_PORT: '70000' })).toBe(
      '--port must be <= 65535 (got "70000" from SSE_PORT (environment))',
    );
    expect(bad(['--log', 'disk'])).toMatch(/^--log must be "memory", "file" or "redis"/);
    expect(bad(['--log', 'file'])).toBe('--log-path is required with --log file');
    expect(bad(['--heartbeat-ms', '-5'])).toMatch(/--heartbeat-ms/);
    expect(bad(['--publish-token', ''])).toMatch(/--publish-token must not be empty/);
    expect(bad(['--max-body-bytes', '2000000', '--client-queue-bytes', '1048576'])).toMatch(
      /--client-queue-bytes must be >=/,
    );
    expect(bad(['--nope'])).toMatch(/unknown option '--nope'/);
  });
  it('takes a Redis log: --redis-url is required with --log redis and must be a redis URL', () => {
    const bad = (argv: string[], env: Record<string, string> = {}) => {
      const out = parseConfig(argv, env);
      return out.kind === 'error' ? out.message : `no error: ${JSON.stringify(out)}`;
    };
    expect(bad(['--log', 'redis'])).toBe('--redis-url is required with --log redis');
    expect(bad(['--log', 'redis', '--redis-url', 'http://127.0.0.1:6379'])).toMatch(
      /^--redis-url must be a redis:\/\/ or rediss:\/\/ URL with a host.*\(got "http:\/\/127.0.0.1:6379" from --redis-url\)$/,
    );
    expect(bad(['--log', 'redis'], { SSE_REDIS_URL: 'localhost:6379' })).toMatch(
      /--redis-url must be a redis:\/\/.*from SSE_REDIS_URL \(environment\)/,
    );
    expect(bad(['--redis-key', 'two words'])).toMatch(/^--redis-key must be 1-256 characters without spaces/);
    expect(bad(['--redis-timeout-ms', '5'])).toMatch(/^--redis-timeout-ms must be >= 10/);
    const ok = parseConfig(['--log', 'redis', '--redis-url', 'redis://127.0.0.1:6390/2'], {
      SSE_REDIS_KEY: 'app:events',
      SSE_REDIS_TIMEOUT_MS: '750',
    });
    expect(ok).toEqual({
      kind: 'config',
      config: expect.objectContaining({
        log: 'redis',
        redisUrl: 'redis://127.0.0.1:6390/2',
        redisKey: 'app:events',
        redisTimeoutMs: 750,
      }),
    });
    expect(DEFAULT_CONFIG).toMatchObject({ redisKey: 'sse:events', redisTimeoutMs: 2000 });
  });
  it('shows help with every flag and its env var', () => {
    const out = parseConfig(['--help'], {});
    expect(out.kind).toBe('help');
    const text = out.kind === 'help' ? out.text : '';
    for (const f of [
      '--host',
      '--port',
      '--heartbeat-ms',
      '--retry-ms',
      '--retry-jitter-ms',
      '--log ',
      '--log-path',
      '--log-retention',
      '--publish-token',
      '--grace-ms',
      'SSE_PUBLISH_TOKEN',
      '--redis-url',
      '--redis-key',
      '--redis-timeout-ms',
      'SSE_REDIS_URL',
    ]) {
      expect(text).toContain(f);
    }
  });
});
