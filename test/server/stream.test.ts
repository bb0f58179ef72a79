/** GET /events and POST /publish against an in-process server on a real socket. */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { createHarness, metricValue, publish, publishOk } from './helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

describe('GET /events', () => {
  it('answers with SSE headers and a retry hint of base + jitter first', async () => {
    const { url } = await h.start({ retryMs: 2000, retryJitterMs: 500, corsOrigin: 'https://app.example' });
    const s = await h.stream(url);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.headers['cache-control']).toBe('no-cache');
    expect(s.headers['x-accel-buffering']).toBe('no');
    expect(s.headers['access-control-allow-origin']).toBe('https://app.example');
    await s.waitFor((x) => x.items.length > 0, 5000, 'the retry hint');
    const first = s.items[0]!;
    expect(first.kind).toBe('retry');
    if (first.kind === 'retry') {
      expect(first.ms).toBeGreaterThanOrEqual(2000);
      expect(first.ms).toBeLessThanOrEqual(2500);
    }
    expect(s.raw.startsWith('retry: ')).toBe(true);
  });

  it('spreads retry hints across connections', async () => {
    const { url } = await h.start({ retryMs: 1000, retryJitterMs: 1000 });
    const hints = new Set<number>();
    for (let i = 0; i < 8; i += 1) {
      const s = await h.stream(url);
      await s.waitFor((x) => x.items.length > 0, 5000, 'the retry hint');
      const first = s.items[0]!;
      if (first.kind === 'retry') hints.add(first.ms);
      s.close();
    }
    // 8 draws from 1001 values: all equal would mean no jitter at all.
    expect(hints.size).toBeGreaterThan(1);
  });

  it('delivers published events live, framed safely, with ids in publish order', async () => {
    const { url } = await h.start();
    const s = await h.stream(url);
    await s.waitFor((x) => x.items.length > 0);
    const id1 = await publishOk(url, { data: 'line1\nline2\r\nline3' });
    const id2 = await publishOk(url, { topic: 'news', event: 'update', data: '{"seq":2,"t":1}' });
    const id3 = await publishOk(url, { data: '' });
    await s.waitFor((x) => x.events.length === 3, 5000, 'three events');
    expect(s.events.map((e) => [e.id, e.event, e.data])).toEqual([
      [id1, undefined, 'line1\nline2\nline3'],
      [id2, 'update', '{"seq":2,"t":1}'],
      [id3, undefined, ''],
    ]);
    expect(s.raw).toContain(`id: ${id1}\ndata: line1\ndata: line2\ndata: line3\n\n`);
    expect(id1 < id2 && id2 < id3).toBe(true);
  });

  it('filters by ?topics=', async () => {
    const { url } = await h.start();
    const ab = await h.stream(url, '/events?topics=a,b');
    const all = await h.stream(url);
    await Promise.all([ab, all].map((s) => s.waitFor((x) => x.items.length > 0)));
    for (const topic of ['a', 'c', 'b', 'default']) await publishOk(url, { topic, data: topic });
    await all.waitFor((x) => x.events.length === 4, 5000, 'four events');
    await ab.waitFor((x) => x.events.length === 2, 5000, 'two events');
    expect(ab.events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(all.events.map((e) => e.data)).toEqual(['a', 'c', 'b', 'default']);
    const bad = await h.stream(url, '/events?topics=a,b%20c');
    expect(bad.status).toBe(400);
  });

  it('sends comment heartbeats at the configured cadence without touching the last event id', async () => {
    const { url } = await h.start({ heartbeatMs: 100 });
    const t0 = performance.now();
    const s = await h.stream(url);
    await s.waitFor((x) => x.items.length > 0);
    const id = await publishOk(url, { data: 'x' });
    await s.waitFor((x) => x.items.filter((i) => i.kind === 'comment').length >= 6, 10_000, 'six heartbeats');
    const beats = s.items.filter((i) => i.kind === 'comment');
    expect(beats.map((b) => b.text)).toEqual(beats.map((_, i) => `hb ${i + 1}`));
    expect(s.raw).toContain('\n: hb 1\n');
    // Cadence: the server's timer starts after t0 and never fires early, so beat k cannot arrive
    // before t0 + k * interval (2 ms slack for timer rounding). No upper bound: the machine may be busy.
    beats.forEach((b, k) => expect(b.at - t0).toBeGreaterThanOrEqual((k + 1) * 100 - 2));
    expect(s.events.map((e) => e.id)).toEqual([id]);
    expect(await metricValue(url, 'sse_heartbeats_total')).toBeGreaterThanOrEqual(6);
  });

  it('answers health, readiness, 404 and 405', async () => {
    const { url } = await h.start();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const r = await fetch(`${url}/publish`);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
  });
});

describe('POST /publish refusals', () => {
  it('401 without the right bearer token, 200 with it', async () => {
    const { url } = await h.start({ publishToken: 's3cret' });
    const none = await publish(url, { data: 'x' });
    expect(none.status).toBe(401);
    expect(none.json.error).toMatch(/bearer token/);
    expect((await publish(url, { data: 'x' }, { Authorization: 'Bearer wrong' })).status).toBe(401);
    const ok = await publish(url, { data: 'x' }, { Authorization: 'Bearer s3cret' });
    expect(ok.status).toBe(200);
    expect(ok.json.id).toMatch(/^\d{13}-\d{12}$/);
  });

  it('413 over the body limit, by Content-Length or by streamed size, and appends nothing', async () => {
    const { url, server } = await h.start({ maxBodyBytes: 1024, clientQueueBytes: 1024 * 1024 });
    const big = await publish(url, { data: 'x'.repeat(2000) });
    expect(big.status).toBe(413);
    expect(big.json.error).toMatch(/1024 bytes/);
    // Chunked upload without Content-Length: the limit applies while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${url}/publish`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(`{"data":"${'y'.repeat(600)}`);
      req.write(`${'y'.repeat(600)}"}`);
      req.end();
    });
    expect(status).toBe(413);
    expect(server.eventLog.lastSeq).toBe(0);
    expect((await publish(url, { data: 'small' })).status).toBe(200);
  });

  it('400 with a reason for bad JSON and bad fields, and appends nothing', async () => {
    const { url, server } = await h.start();
    const cases: [unknown, RegExp][] = [
      ['{not json', /not valid JSON/],
      [{ topic: 't' }, /data is required/],
      [{ data: 42 }, /data is required and must be a string/],
      [{ data: 'x', event: 'evil\nid: 1' }, /event must not contain CR or LF/],
      [{ data: 'x', event: 'evil\r' }, /CR or LF/],
      [{ data: 'x', id: 'mine' }, /id is assigned by the server/],
      [{ data: 'x', topic: 'a,b' }, /topic/],
      [{ data: 'x', colour: 'red' }, /unknown field/],
    ];
    for (const [body, reason] of cases) {
      const r = await publish(url, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error).toMatch(reason);
    }
    expect(server.eventLog.lastSeq).toBe(0);
    expect(await metricValue(url, 'sse_publish_requests_total', '{code="400"}')).toBe(cases.length);
  });
});

describe('POST /publish aborted mid-body', () => {
  it('appends nothing and logs a warning', async () => {
    const { url, server, logger } = await h.start();
    const req = request(`${url}/publish`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '100' },
    });
    req.on('error', () => {});
    req.write('{"data":"par');
    for (
      let i = 0;
      i < 200 && !logger.records.some((r) => r.msg === 'publish aborted by the client');
      i += 1
    ) {
      if (i === 10) req.destroy();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(logger.records.some((r) => r.msg === 'publish aborted by the client')).toBe(true);
    expect(server.eventLog.lastSeq).toBe(0);
  });
});
