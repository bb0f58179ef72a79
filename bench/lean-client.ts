/**
 * The lean client for benchmark 3, in its own process: N streams over undici's dispatch API feeding
 * our parser (no history, no reconnects), plus a closed-loop publisher in the same process, so the
 * publish time and the receive time share one clock. Publishing waits for each acknowledgement, and
 * the streams are parsed on the same event loop: when the client falls behind, publishing slows too
 * (the system regulates itself instead of queueing without bound).
 *
 * Config in env LEAN_CLIENT_CONFIG; prints one JSON line with the figures, then exits.
 */
import { Agent, request } from 'undici';
import { createParser } from '../harness/client/parser.ts';
import { decodePayload, encodePayload } from '../harness/history/payload.ts';

export interface LeanClientConfig {
  base: string;
  count: number;
  durationMs: number;
  connectTimeoutMs: number;
  /** Publishes in flight at once. */
  concurrency: number;
  payloadBytes: number;
}

export interface LeanClientResult {
  connected: number;
  connectMs: number;
  published: number;
  delivered: number;
  /** Wall time from the first publish until the last event of the last publish arrived (or gave up). */
  windowMs: number;
  eventsPerSec: number;
  latencyMs: { p50: number; p99: number; max: number; samples: number };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(c: LeanClientConfig): Promise<LeanClientResult> {
  const agent = new Agent({
    connections: null,
    pipelining: 0,
    bodyTimeout: 0,
    headersTimeout: 0,
    connectTimeout: 30_000,
  });
  const pubAgent = new Agent({ connections: c.concurrency, pipelining: 1 });
  const url = new URL('/events?topics=bench', c.base);
  let open = 0;
  let delivered = 0;
  let measuring = false;
  // Latency samples in a preallocated typed array: 10,000 streams x thousands of events.
  let lat = new Float64Array(1 << 20);
  let nLat = 0;
  const controllers: Array<{ abort(reason?: Error): void }> = [];
  const onEvent = (e: { data: string }): void => {
    if (!measuring) return;
    const p = decodePayload(e.data);
    if (!p) return;
    delivered++;
    if (nLat === lat.length) {
      const next = new Float64Array(lat.length * 2);
      next.set(lat);
      lat = next;
    }
    lat[nLat++] = performance.now() - p.publishedAt;
  };
  for (let i = 0; i < c.count; i++) {
    const parser = createParser({ onEvent });
    agent.dispatch(
      {
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'GET',
        headers: { accept: 'text/event-stream' },
      },
      {
        onRequestStart(ctrl) {
          controllers.push(ctrl);
        },
        onResponseStart(_ctrl, status) {
          if (status === 200) open++;
        },
        onResponseData(_ctrl, chunk) {
          parser.feed(chunk);
        },
        onResponseEnd() {},
        onResponseError() {},
      },
    );
    if (i % 200 === 199) await sleep(1); // let connects drain instead of queueing 10,000 SYNs at once
  }
  const t0 = performance.now();
  while (open < c.count && performance.now() - t0 < c.connectTimeoutMs) await sleep(20);
  const connectMs = performance.now() - t0;
  await sleep(300);

  measuring = true;
  let published = 0;
  const tStart = performance.now();
  const publisher = async (): Promise<void> => {
    while (performance.now() - tStart < c.durationMs) {
      const seq = ++published;
      const res = await request(new URL('/publish', c.base), {
        dispatcher: pubAgent,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          topic: 'bench',
          data: encodePayload({ seq, publishedAt: performance.now(), topic: 'bench' }, c.payloadBytes),
        }),
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`publish ${seq} answered ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: c.concurrency }, publisher));
  const want = published * open;
  const tPub = performance.now();
  while (delivered < want && performance.now() - tPub < 15_000) await sleep(5);
  const windowMs = performance.now() - tStart;
  measuring = false;
  for (const ctrl of controllers) ctrl.abort(new Error('bench done'));
  await Promise.all([agent.destroy(), pubAgent.destroy()]).catch(() => undefined);
  const sorted = lat.subarray(0, nLat).sort();
  const q = (p: number): number =>
    nLat === 0 ? NaN : sorted[Math.min(nLat - 1, Math.max(0, Math.ceil(p * nLat) - 1))]!;
  return {
    connected: open,
    connectMs,
    published,
    delivered,
    windowMs,
    eventsPerSec: delivered / (windowMs / 1000),
    latencyMs: { p50: q(0.5), p99: q(0.99), max: nLat ? sorted[nLat - 1]! : NaN, samples: nLat },
  };
}

const raw = process.env.LEAN_CLIENT_CONFIG;
if (!raw)
  throw new Error(
    'lean-client: LEAN_CLIENT_CONFIG (JSON LeanClientConfig) is not set; run it via bench/fanout-bench.ts',
  );
const result = await main(JSON.parse(raw) as LeanClientConfig);
console.log(JSON.stringify(result));
process.exit(0);
