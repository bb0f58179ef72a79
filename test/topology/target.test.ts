import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildPublishRequest,
  extractAckId,
  loadTargetFile,
  parseTarget,
  referenceTarget,
  targetEndpoints,
} from '../../harness/topology/target.ts';
import { referenceArgs } from '../../harness/topology/target-local.ts';
import { TopologyConfigError } from '../../harness/topology/errors.ts';

const userTarget = parseTarget({
  kind: 'url',
  baseUrl: 'http://127.0.0.1:9999',
  streamPath: '/sse',
  publish: {
    method: 'PUT',
    path: '/api/events',
    headers: { 'X-Api-Key': 'k' },
    bodyTemplate: {
      channel: '{{topic}}',
      payload: { type: '{{event}}', body: '{{data}}' },
      tags: ['{{event}}', 'x'],
    },
    idPath: 'result.eventId',
  },
});

describe('target spec', () => {
  it('fills defaults for the reference server and a minimal command target', () => {
    expect(parseTarget({ kind: 'reference' })).toEqual({ kind: 'reference', options: {} });
    const cmd = parseTarget({
      kind: 'command',
      command: ['./srv', '--port', '{port}'],
      streamPath: '/events',
      publish: { path: '/p' },
    });
    expect(cmd).toMatchObject({ readyPath: '/', metricsPath: '/metrics', env: {} });
    expect(targetEndpoints(cmd).publish).toMatchObject({ method: 'POST', idPath: 'id', headers: {} });
  });

  it('names the bad fields', () => {
    const bad = (input: unknown): string => {
      try {
        parseTarget(input);
      } catch (err) {
        expect(err).toBeInstanceOf(TopologyConfigError);
        return (err as Error).message;
      }
      throw new Error('expected a TopologyConfigError');
    };
    expect(bad({ kind: 'nope' })).toMatch(/kind/);
    expect(bad({ kind: 'reference', options: { heartbeatMs: -1 } })).toMatch(/options\.heartbeatMs/);
    expect(bad({ kind: 'reference', options: { heartbeat: 5 } })).toMatch(/heartbeat/);
    expect(bad({ kind: 'command', command: [], streamPath: 'events', publish: { path: '/p' } })).toMatch(
      /command[\s\S]*streamPath|streamPath[\s\S]*command/,
    );
    expect(bad({ kind: 'url', baseUrl: 'not a url', streamPath: '/e', publish: { path: '/p' } })).toMatch(
      /baseUrl/,
    );
    expect(bad({ kind: 'url', baseUrl: 'http://h', streamPath: '/e', publish: {} })).toMatch(
      /exactly one of "path"/,
    );
    expect(
      bad({ kind: 'url', baseUrl: 'http://h', streamPath: '/e', publish: { path: '/p', url: 'http://x/p' } }),
    ).toMatch(/publish\.path/);
  });

  it('builds the reference publish request, with the bearer token when configured', () => {
    const r = buildPublishRequest(referenceTarget, 'http://127.0.0.1:1234', {
      topic: 't',
      event: 'e',
      data: 'd',
    });
    expect(r).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:1234/publish',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 't', event: 'e', data: 'd' }),
    });
    const withToken = parseTarget({ kind: 'reference', options: { publishToken: 's3cret' } });
    const r2 = buildPublishRequest(withToken, 'http://h:1', { topic: 't', data: 'd' });
    expect(r2.headers.authorization).toBe('Bearer s3cret');
    expect(JSON.parse(r2.body)).toEqual({ topic: 't', data: 'd' }); // no event: the field is dropped
  });

  it('fills a user body template (nested, arrays, JSON-safe data)', () => {
    const data = 'line1\nline2 "quoted" {{topic}}';
    const r = buildPublishRequest(userTarget, 'http://127.0.0.1:9999', { topic: 'orders', data });
    expect(r.method).toBe('PUT');
    expect(r.url).toBe('http://127.0.0.1:9999/api/events');
    expect(r.headers).toEqual({ 'content-type': 'application/json', 'x-api-key': 'k' });
    expect(JSON.parse(r.body)).toEqual({ channel: 'orders', payload: { body: data }, tags: ['x'] });
  });

  it('supports a string body template and an absolute publish url', () => {
    const t = parseTarget({
      kind: 'url',
      baseUrl: 'http://h:1',
      streamPath: '/e',
      publish: {
        url: 'http://other:2/pub',
        bodyTemplate: '{{topic}}:{{data}}',
        headers: { 'Content-Type': 'text/plain' },
      },
    });
    expect(buildPublishRequest(t, 'http://h:1', { topic: 'a', data: 'b' })).toEqual({
      method: 'POST',
      url: 'http://other:2/pub',
      headers: { 'content-type': 'text/plain' },
      body: 'a:b',
    });
  });

  it('extracts acknowledged ids as opaque strings', () => {
    expect(extractAckId(referenceTarget, { id: '1795-0001' })).toBe('1795-0001');
    expect(extractAckId(referenceTarget, { id: 42 })).toBe('42');
    expect(extractAckId(userTarget, { result: { eventId: 'abc' } })).toBe('abc');
    expect(() => extractAckId(userTarget, { result: {} })).toThrow(/no id at "result\.eventId"/);
    expect(() => extractAckId(referenceTarget, { id: '' })).toThrow(TopologyConfigError);
    expect(() => extractAckId(referenceTarget, null)).toThrow(/no id at "id"/);
  });

  it('maps reference options to the server flags', () => {
    expect(
      referenceArgs({ heartbeatMs: 1000, retryJitterMs: 0, log: 'file', extraArgs: ['--x'] }, 0, '/tmp/l'),
    ).toEqual([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--heartbeat-ms',
      '1000',
      '--retry-jitter-ms',
      '0',
      '--log',
      'file',
      '--log-path',
      '/tmp/l',
      '--x',
    ]);
  });

  it('passes the Redis log its URL and keeps harness-side options (instances, Redis persistence) off the command line', () => {
    expect(
      referenceArgs(
        { log: 'redis', instances: 2, redisPersistence: 'aof-always', redisTimeoutMs: 500 },
        0,
        '/tmp/l',
        { host: '0.0.0.0', redisUrl: 'redis://127.0.0.1:7001' },
      ),
    ).toEqual([
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--log',
      'redis',
      '--redis-timeout-ms',
      '500',
      '--redis-url',
      'redis://127.0.0.1:7001',
    ]);
    expect(() => referenceArgs({ log: 'redis' }, 0, '/tmp/l')).toThrow(/without a Redis/);
  });

  it('loads a target file with clear errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-target-test-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify({ kind: 'reference', options: { heartbeatMs: 500 } }));
      await expect(loadTargetFile(good)).resolves.toEqual({
        kind: 'reference',
        options: { heartbeatMs: 500 },
      });
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{ nope');
      await expect(loadTargetFile(broken)).rejects.toThrow(/broken\.json is not valid JSON/);
      const invalid = join(dir, 'invalid.json');
      writeFileSync(invalid, JSON.stringify({ kind: 'url' }));
      await expect(loadTargetFile(invalid)).rejects.toThrow(
        /invalid target file .*invalid\.json[\s\S]*baseUrl/,
      );
      await expect(loadTargetFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read target file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readiness timeouts and control commands in the spec', () => {
  it('bounds a command target by its readyTimeoutMs (an error naming the URL, the process stopped)', async () => {
    const { startLocalTarget } = await import('../../harness/topology/target-local.ts');
    const work = mkdtempSync(join(tmpdir(), 'sse-chaos-ready-'));
    try {
      const spec = parseTarget({
        kind: 'command',
        command: [process.execPath, '-e', 'setTimeout(() => {}, 30000)'],
        readyPath: '/never',
        readyTimeoutMs: 600,
        streamPath: '/e',
        publish: { path: '/p' },
      });
      const started = performance.now();
      await expect(startLocalTarget(spec, { workDir: work })).rejects.toThrow(
        /not ready after 600 ms: .*\/never/,
      );
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('takes control commands as shell lines or argv with their own timeouts, and refuses an incomplete set', () => {
    const url = { kind: 'url', baseUrl: 'http://127.0.0.1:9', streamPath: '/e', publish: { path: '/p' } };
    const spec = parseTarget({
      ...url,
      control: {
        stop: ['systemctl', 'stop', 'sse'],
        start: { command: 'systemctl start sse', timeoutMs: 90_000 },
      },
    });
    expect(spec.kind === 'url' && spec.control).toEqual({
      stop: ['systemctl', 'stop', 'sse'],
      start: { command: 'systemctl start sse', timeoutMs: 90_000 },
      timeoutMs: 30_000,
    });
    expect(() => parseTarget({ ...url, control: { stop: 'docker stop x' } })).toThrow(
      /give "start".*or "restart"/s,
    );
    expect(() => parseTarget({ ...url, control: { start: 'docker start x' } })).toThrow(
      /give "stop" or "kill"/,
    );
  });
});
