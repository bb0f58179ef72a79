/**
 * The SSE error page of `good` on the real nginx: while the upstream is down (502) or draining (503),
 * an event-stream request gets 200 + a jittered `retry:`, every other request keeps its real status
 * (and body); `bare-errors` passes the error through. The upstream is a real node:http server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { locateNginx } from '../../harness/topology/binaries.ts';
import { startLocalNginx, type LocalNginx } from '../../harness/topology/nginx-local.ts';
import { freePort } from '../../harness/topology/ports.ts';

const RANGE = { unavailableRetryMinMs: 400, unavailableRetryMaxMs: 900 };
const SSE = { Accept: 'text/event-stream' };

/** A stand-in target: 503 + JSON while draining (like the reference server), a short stream on /events. */
function upstream(mode: () => 'draining' | 'healthy'): Server {
  return createServer((req, res) => {
    if (mode() === 'draining') {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      res.end('{"status":"draining"}');
    } else if (req.url === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.end('id: 1\ndata: hi\n\n');
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"ready"}');
    }
  });
}

async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(new URL(path, base), { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

describe('nginx SSE error page (real nginx)', () => {
  const nginx = locateNginx();
  const started: LocalNginx[] = [];
  let port = 0;
  let target: Server | undefined;
  let mode: 'draining' | 'healthy' = 'draining';
  let good = '';
  let bare = '';

  beforeAll(async () => {
    port = await freePort();
    for (const profile of ['good', 'bare-errors']) {
      const n = await startLocalNginx({
        binary: nginx,
        profile,
        params: RANGE,
        upstream: `127.0.0.1:${port}`,
      });
      started.push(n);
    }
    good = `http://${started[0]!.address}`;
    bare = `http://${started[1]!.address}`;
  });
  afterAll(async () => {
    await Promise.all(started.map((n) => n.stop()));
    await new Promise<void>((r) => (target ? target.close(() => r()) : r()));
  });

  it('upstream down: event-stream requests get 200 + a jittered retry hint, others keep the 502', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20; i += 1) {
      const r = await get(good, '/events', SSE);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/event-stream');
      expect(r.headers.get('cache-control')).toBe('no-cache');
      const m = /^retry: (\d+)\n\n$/.exec(r.body);
      expect(m, r.body).not.toBeNull();
      const ms = Number(m![1]);
      expect(ms).toBeGreaterThanOrEqual(RANGE.unavailableRetryMinMs);
      expect(ms).toBeLessThanOrEqual(RANGE.unavailableRetryMaxMs);
      seen.add(ms);
    }
    // 20 equally likely buckets: 20 draws all in one bucket has probability 20^-19.
    expect(seen.size).toBeGreaterThan(1);
    expect((await get(good, '/readyz')).status).toBe(502);
    expect((await get(good, '/metrics', { Accept: 'text/plain' })).status).toBe(502);
    expect((await get(bare, '/events', SSE)).status).toBe(502);
  });

  it('upstream draining (503): only event-stream requests are turned into a retry hint', async () => {
    target = upstream(() => mode);
    await new Promise<void>((resolve, reject) => {
      target!.once('error', reject);
      target!.listen(port, '127.0.0.1', () => resolve());
    });
    mode = 'draining';
    const sse = await get(good, '/events', SSE);
    expect(sse.status).toBe(200);
    expect(sse.body).toMatch(/^retry: \d+\n\n$/);
    const ready = await get(good, '/readyz');
    expect([ready.status, ready.body, ready.headers.get('retry-after')]).toEqual([
      503,
      '{"status":"draining"}',
      '1',
    ]);
    expect((await get(bare, '/events', SSE)).status).toBe(503);
  });

  it('upstream healthy: streams and other requests pass through unchanged', async () => {
    mode = 'healthy';
    const sse = await get(good, '/events', SSE);
    expect([sse.status, sse.body]).toEqual([200, 'id: 1\ndata: hi\n\n']);
    expect(await get(good, '/readyz')).toMatchObject({ status: 200, body: '{"status":"ready"}' });
  });
});
