/**
 * A real run against a server with a non-JSON publish contract (GRIP-style: a form post carrying an
 * id of ours, answered 202 with no body), through real nginx and toxiproxy. The server is written
 * here: SSE with comment heartbeats, the publisher's id as the event id, and Last-Event-ID replay.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../harness/run/suite.ts';
import { parseTarget } from '../../harness/topology/target.ts';
import baseline from '../../scenarios/baseline.ts';

let server: Server;
let published = 0;
const formats = new Set<string>();

beforeAll(async () => {
  const log: Array<{ id: string; topic: string; data: string }> = [];
  const clients = new Set<{ res: ServerResponse; topics: Set<string> | undefined }>();
  const frame = (e: { id: string; data: string }) =>
    `id: ${e.id}\n${e.data
      .split('\n')
      .map((l) => `data: ${l}\n`)
      .join('')}\n`;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/events') {
      const topics = url.searchParams.get('topics')?.split(',');
      const client = { res, topics: topics ? new Set(topics) : undefined };
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('retry: 1000\n\n');
      const last = req.headers['last-event-id'];
      const from = last ? log.findIndex((e) => e.id === last) + 1 : log.length;
      for (const e of log.slice(from)) if (!client.topics || client.topics.has(e.topic)) res.write(frame(e));
      const hb = setInterval(() => res.write(': hb\n\n'), 1000);
      clients.add(client);
      res.on('close', () => {
        clearInterval(hb);
        clients.delete(client);
      });
    } else if (url.pathname === '/pub' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        formats.add(String(req.headers['content-type']));
        const form = new URLSearchParams(body);
        const e = { id: form.get('msg-id')!, topic: form.get('channel')!, data: form.get('payload')! };
        log.push(e);
        published++;
        for (const c of clients) if (!c.topics || c.topics.has(e.topic)) c.res.write(frame(e));
        res.writeHead(202).end();
      });
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('a non-JSON publish contract', () => {
  it('passes baseline: form posts carrying our ids, acknowledged by status alone', async () => {
    const { port } = server.address() as AddressInfo;
    const target = parseTarget({
      kind: 'url',
      baseUrl: `http://127.0.0.1:${port}`,
      streamPath: '/events',
      publish: {
        path: '/pub',
        encoding: 'form',
        bodyTemplate: { channel: '{{topic}}', payload: '{{data}}', 'msg-id': '{{id}}' },
        idFormat: 'evt-{{seq}}-{{uuid}}',
        ack: { from: 'status' },
      },
      declares: { heartbeatMs: 1000, retry: { baseMs: 1000, jitterMs: 0 } },
    });
    const { results } = await runSuite([baseline], { target, runtime: 'local' });
    const r = results.scenarios[0]!;
    expect(
      r.verdict,
      r.error ??
        r.slos
          .filter((s) => !s.pass)
          .map((s) => s.name)
          .join(', '),
    ).toBe('pass');
    expect(r.workload.acknowledged).toBeGreaterThan(50);
    expect(r.workload.acknowledged).toBe(published);
    expect(formats).toEqual(new Set(['application/x-www-form-urlencoded']));
  }, 60_000);
});
