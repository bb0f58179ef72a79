/**
 * Runner tracing: a no-op without OTEL_EXPORTER_OTLP_ENDPOINT; with it, spans reach a real OTLP/HTTP
 * endpoint (a loopback server standing in for the collector) when tracing shuts down.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { inSpan, startTracing } from '../../harness/telemetry/tracing.ts';

describe('runner tracing', () => {
  it('is a no-op tracer without an endpoint, and inSpan passes values and errors through', async () => {
    const t = await startTracing({});
    expect(await inSpan(t.tracer, 'x', {}, async () => 42)).toBe(42);
    await expect(inSpan(t.tracer, 'y', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await t.shutdown();
  });

  it('exports spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const posts: { url: string; bytes: number }[] = [];
    const server = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        posts.push({ url: req.url ?? '', bytes });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    try {
      const t = await startTracing(process.env);
      await inSpan(t.tracer, 'scenario demo', { 'scenario.name': 'demo' }, async () => {
        await inSpan(t.tracer, 'fault latency', { 'fault.leg': 'edge' }, async () => undefined);
      });
      await t.shutdown();
      expect(posts.length).toBeGreaterThan(0);
      expect(posts[0]!.url).toBe('/v1/traces');
      expect(posts[0]!.bytes).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
