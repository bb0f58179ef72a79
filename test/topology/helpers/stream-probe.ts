/**
 * A raw SSE reader for topology tests: node:http, no reconnects, arrival times per event. It is
 * deliberately independent of harness/client so topology tests only exercise the topology.
 */
import { request, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildPublishRequest, extractAckId, type TargetSpec } from '../../../harness/topology/target.ts';

export interface ReceivedEvent {
  id: string;
  event: string;
  data: string;
  at: number;
}

export interface StreamProbe {
  /** Resolves with the response (status, headers) once nginx sends headers. */
  response: Promise<IncomingMessage>;
  /** True once headers arrived. */
  readonly gotHeaders: boolean;
  readonly events: ReceivedEvent[];
  readonly bytes: number;
  /** Resolves when the stream ends or errors (never rejects). */
  closed: Promise<{ error?: string }>;
  waitForEvents(n: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  close(): void;
}

export function openStream(url: string, headers: Record<string, string> = {}): StreamProbe {
  const events: ReceivedEvent[] = [];
  let buffer = '';
  let bytes = 0;
  let gotHeaders = false;
  let resolveClosed!: (v: { error?: string }) => void;
  const closed = new Promise<{ error?: string }>((r) => (resolveClosed = r));
  const req = request(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', (res) => {
      gotHeaders = true;
      resolve(res);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        bytes += Buffer.byteLength(chunk);
        buffer += chunk.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const ev = { id: '', event: 'message', data: [] as string[] };
          for (const line of block.split('\n')) {
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'data') ev.data.push(value);
            else if (field === 'id') ev.id = value;
            else if (field === 'event') ev.event = value;
          }
          if (ev.data.length)
            events.push({ id: ev.id, event: ev.event, data: ev.data.join('\n'), at: performance.now() });
        }
      });
      res.on('end', () => resolveClosed({}));
      res.on('error', (err) => resolveClosed({ error: err.message }));
      res.on('close', () => resolveClosed({ error: 'closed' }));
    });
    req.on('error', (err) => {
      reject(err);
      resolveClosed({ error: err.message });
    });
  });
  response.catch(() => {}); // Observed through `closed` when nobody awaits it.
  req.end();
  return {
    response,
    get gotHeaders() {
      return gotHeaders;
    },
    events,
    get bytes() {
      return bytes;
    },
    closed,
    async waitForEvents(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > deadline)
          throw new Error(`expected ${n} events on ${url}, got ${events.length} in ${timeoutMs} ms`);
        await sleep(10);
      }
      return events.slice(0, n);
    },
    close: () => req.destroy(),
  };
}

/** Publishes through the target spec's recipe and returns the acknowledged id. */
export async function publish(
  spec: TargetSpec,
  publishUrl: string,
  data: string,
  topic = 'test',
): Promise<string> {
  const base = new URL(publishUrl).origin;
  const r = buildPublishRequest(spec, base, { topic, data });
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
  const text = await res.text();
  if (!res.ok) throw new Error(`publish -> ${res.status}: ${text}`);
  return extractAckId(spec, JSON.parse(text));
}

/** True while any process of the group exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until every group is gone; returns the groups still alive after `timeoutMs`. */
export async function waitGroupsGone(pgids: number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pgids.filter(groupAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(50);
  }
}
