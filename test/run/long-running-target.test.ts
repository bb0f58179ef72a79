/**
 * A long-running target that nobody restarts between runs keeps what earlier runs published, and a
 * healthy one may hand its history to every new stream. Neither may turn into a verdict: events of
 * another run are foreign (the run nonce), counted and excluded, never duplicates or bursts.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/runner.ts';
import { parseScenario } from '../../harness/run/scenario.ts';
import { parseTarget } from '../../harness/topology/target.ts';

/** An SSE server that replays its whole log to every new stream, and after the Last-Event-ID otherwise. */
function historyOnConnectServer(): Server {
  const log: { id: string; data: string }[] = [];
  const streams = new Set<ServerResponse>();
  const frame = (e: { id: string; data: string }) => `id: ${e.id}\ndata: ${e.data}\n\n`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/readyz') return res.writeHead(200).end('ok');
    if (url.pathname === '/publish' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const e = { id: `ev${log.length + 1}`, data: (JSON.parse(body) as { data: string }).data };
        log.push(e);
        for (const s of streams) s.write(frame(e));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: e.id }));
      });
      return;
    }
    if (url.pathname !== '/events') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('retry: 1000\n\n');
    const last = req.headers['last-event-id'];
    const from = typeof last === 'string' ? log.findIndex((e) => e.id === last) + 1 : 0;
    for (const e of log.slice(from)) res.write(frame(e));
    const beat = setInterval(() => res.write(': hb\n\n'), 500);
    streams.add(res);
    res.on('close', () => {
      clearInterval(beat);
      streams.delete(res);
    });
  });
  server.on('close', () => {
    for (const s of streams) s.destroy();
  });
  return server;
}

let server: Server;
let baseUrl = '';
beforeAll(async () => {
  server = historyOnConnectServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('a long-running target with history on connect', () => {
  it("passes run after run: earlier runs' events are foreign, not duplicates or bursts", async () => {
    const target = parseTarget({
      kind: 'url',
      baseUrl,
      readyPath: '/readyz',
      streamPath: '/events',
      publish: { path: '/publish', bodyTemplate: { data: '{{data}}' } },
      declares: { heartbeatMs: 500 },
    });
    const scenario = parseScenario(
      {
        name: 'steady',
        description: 'a steady stream against a target that outlives every run',
        workload: { ratePerSec: 40, durationMs: 2000 },
        fleet: { count: 10 },
      },
      'test',
    );
    const first = await runScenario(scenario, { target, runtime: 'local' });
    expect(first.result.verdict).toBe('pass');
    const second = await runScenario(scenario, { target, runtime: 'local' });
    const m = second.result.measurements;
    expect(m['delivery.foreign']).toBeGreaterThanOrEqual(10 * 70); // the first run's ~80 events, to each of 10
    expect(m['delivery.duplicates']).toBe(0);
    expect(second.result.slos.filter((s) => !s.pass).map((s) => s.name)).toEqual([]);
    expect(second.result.verdict).toBe('pass');
  }, 60_000);
});
