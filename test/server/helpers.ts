/**
 * Test helpers for the reference server: an in-process server on 127.0.0.1:0, a raw SSE client over
 * node:http (parsed with eventsource-parser, an independent implementation, so the server is not
 * judged by our own parser), and publish over fetch. Everything started is stopped by `cleanup()`.
 */
import { request, type IncomingHttpHeaders, type ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { createSseServer, type SseServer, type SseServerOptions } from '../../server/app.ts';
import { createMemoryLogger } from '../../server/logger.ts';

export type Item =
  | { kind: 'event'; id: string | undefined; event: string | undefined; data: string; at: number }
  | { kind: 'retry'; ms: number; at: number }
  | { kind: 'comment'; text: string; at: number };

export interface TestStream {
  status: number;
  headers: IncomingHttpHeaders;
  items: Item[];
  raw: string;
  readonly events: Extract<Item, { kind: 'event' }>[];
  readonly ended: Promise<void>;
  readonly isEnded: boolean;
  /** Resolves once `predicate` holds (checked on every chunk); rejects after timeoutMs. */
  waitFor(predicate: (s: TestStream) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): void;
  req: ClientRequest;
}

export function openStream(
  base: string,
  path = '/events',
  headers: Record<string, string> = {},
): Promise<TestStream> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const waiters = new Set<() => void>();
    const notify = () => waiters.forEach((w) => w());
    let ended = false;
    let endResolve!: () => void;
    const endedP = new Promise<void>((r) => (endResolve = r));
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      res.setEncoding('utf8');
      const items: Item[] = [];
      const parser = createParser({
        onEvent: (e: EventSourceMessage) =>
          items.push({ kind: 'event', id: e.id, event: e.event, data: e.data, at: performance.now() }),
        onRetry: (ms) => items.push({ kind: 'retry', ms, at: performance.now() }),
        onComment: (text) => items.push({ kind: 'comment', text, at: performance.now() }),
      });
      const stream: TestStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        items,
        raw: '',
        get events() {
          return items.filter((i): i is Extract<Item, { kind: 'event' }> => i.kind === 'event');
        },
        ended: endedP,
        get isEnded() {
          return ended;
        },
        waitFor(predicate, timeoutMs = 10_000, what = 'condition') {
          return new Promise<void>((ok, fail) => {
            const check = () => {
              if (predicate(stream)) {
                done();
                ok();
              } else if (ended) {
                done();
                fail(new Error(`stream ended before ${what}; got ${JSON.stringify(items).slice(0, 2000)}`));
              }
            };
            const timer = setTimeout(() => {
              done();
              fail(
                new Error(
                  `timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(items).slice(0, 2000)}`,
                ),
              );
            }, timeoutMs);
            const done = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
        req,
      };
      const finish = () => {
        if (ended) return;
        ended = true;
        endResolve();
        notify();
      };
      res.on('data', (chunk: string) => {
        stream.raw += chunk;
        parser.feed(chunk);
        notify();
      });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      resolve(stream);
    });
    req.on('error', (err) => {
      if (!ended) reject(err);
    });
    req.end();
  });
}

export async function publish(
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: { id?: string; error?: string } }> {
  const res = await fetch(new URL('/publish', base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { id?: string; error?: string } };
}

/** Publishes and insists on a 200; returns the id. */
export async function publishOk(
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<string> {
  const r = await publish(base, body, headers);
  if (r.status !== 200 || !r.json.id)
    throw new Error(`publish failed: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.id;
}

export async function metricValue(base: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(new URL('/metrics', base))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  if (line === undefined) throw new Error(`metric ${name}${labels} not found`);
  return Number(line.split(' ').at(-1));
}

/** Owns everything a test starts; `cleanup()` in afterEach stops it all, even after a failure. */
export function createHarness() {
  const servers: SseServer[] = [];
  const streams: TestStream[] = [];
  return {
    /** Starts a server on 127.0.0.1:0; `build` composes it (default: the reference server). */
    async start(options: SseServerOptions = {}, build: (o: SseServerOptions) => SseServer = createSseServer) {
      const logger = createMemoryLogger();
      const spans = new InMemorySpanExporter();
      const server = build({ port: 0, logger, spanExporter: spans, ...options });
      servers.push(server);
      const url = await server.listen();
      return { server, url, logger, spans };
    },
    async stream(base: string, path?: string, headers?: Record<string, string>) {
      const s = await openStream(base, path, headers);
      streams.push(s);
      return s;
    },
    async cleanup() {
      for (const s of streams.splice(0)) s.close();
      await Promise.all(servers.splice(0).map((s) => s.close()));
    },
  };
}

/** Opens GET /events on a raw socket and never reads from it (the caller destroys the socket). */
export function stalledReader(url: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`GET /events HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
      socket.pause();
      resolve({ socket, closed });
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('error', reject);
  });
}
