/**
 * Shared pieces of the real-browser tests: whether Chromium is here, purpose-built servers and a
 * cuttable TCP relay on 127.0.0.1, the modelled subscriber to compare against, and a readable
 * summary of one subscriber's records.
 *
 * Browser: $SSE_CHAOS_CHROMIUM, default /usr/bin/chromium. Missing: these tests are skipped locally
 * with a message, but fail when CI is set (CI must never silently skip a real browser).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createStreamAgent } from '../../../harness/client/fleet.ts';
import {
  createSubscriber,
  type Subscriber,
  type SubscriberOptions,
} from '../../../harness/client/subscriber.ts';
import { defaultChromiumPath } from '../../../harness/client/chromium/flags.ts';
import { launchChromium, type ChromiumBrowser } from '../../../harness/client/chromium/launch.ts';
import type { HistoryRecord } from '../../../harness/history/records.ts';
import type { History } from '../../../harness/history/store.ts';

export const CHROMIUM = defaultChromiumPath();
export const HAVE_BROWSER = existsSync(CHROMIUM);
const IN_CI = Boolean(process.env.CI);
/** Run the suite when there is a browser, or in CI (where a missing browser must fail). */
export const RUN_BROWSER_TESTS = HAVE_BROWSER || IN_CI;

if (!RUN_BROWSER_TESTS) {
  console.warn(
    `real-browser tests SKIPPED: no Chromium at ${CHROMIUM}. Run scripts/setup.mjs (apt-get install chromium) ` +
      'or set SSE_CHAOS_CHROMIUM. In CI (CI set) this is a failure, not a skip.',
  );
}

/**
 * One browser for a test file: launched before its tests, stopped after them (with the modelled
 * subscribers' agent). Returns the getter for it.
 */
export function useBrowser(): () => ChromiumBrowser {
  let browser: ChromiumBrowser | undefined;
  beforeAll(async () => {
    if (RUN_BROWSER_TESTS) browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.stop();
    await modelAgent.close();
  });
  return () => {
    if (!browser) throw new Error('no browser: useBrowser() runs only inside a describe that needs it');
    return browser;
  };
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  readonly port: number;
  /** Requests per path+query seen so far. */
  readonly hits: Map<string, number>;
  /** Streams currently open. */
  readonly open: Set<ServerResponse>;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1; `handle` gets the request's 1-based hit number for its URL. */
export async function startServer(
  handle: (req: IncomingMessage, res: ServerResponse, hit: number) => void,
): Promise<TestServer> {
  const hits = new Map<string, number>();
  const open = new Set<ServerResponse>();
  const server = http.createServer((req, res) => {
    const hit = (hits.get(req.url!) ?? 0) + 1;
    hits.set(req.url!, hit);
    open.add(res);
    res.on('close', () => open.delete(res));
    handle(req, res, hit);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    hits,
    open,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Relay {
  readonly base: string;
  /** Destroys every relayed connection (both sides): a network cut. */
  cutAll(): void;
  close(): Promise<void>;
}

/** A TCP relay to `targetPort` whose connections can be cut, like a failing middlebox. */
export async function startRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const cutAll = (): void => {
    for (const s of sockets) s.destroy();
  };
  return {
    base: `http://127.0.0.1:${port}`,
    cutAll,
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}

/** One shared undici agent for the modelled subscribers of a test file. */
export const modelAgent = createStreamAgent();

/** The `browser` model (harness/client/subscriber.ts), started. */
export function startModel(
  o: Pick<SubscriberOptions, 'url' | 'history' | 'clock' | 'sub'> & Partial<SubscriberOptions>,
): Subscriber {
  const s = createSubscriber({ profile: 'browser', dispatcher: modelAgent, ...o });
  s.start();
  return s;
}

/** The records of one subscriber. */
export function recordsOf(h: History, sub: number): HistoryRecord[] {
  return [...h.ofSubscriber(sub)];
}

/** The records of one subscriber as short lines (kind and the fields that tell behaviour apart). */
export function summary(h: History, sub: number): string[] {
  return recordsOf(h, sub).map((r) => {
    switch (r.kind) {
      case 'connect':
        return `connect #${r.attempt} lei=${JSON.stringify(r.lastEventId)}`;
      case 'response':
        return `response ${r.status} ${r.contentType}`;
      case 'event':
        return `event ${r.type} id=${r.id}`;
      case 'retry':
        return `retry ${r.ms}`;
      case 'close':
        return `close ${r.reason}${r.status !== undefined ? ` ${r.status}` : ''}`;
      case 'reset':
        return 'reset';
      default:
        return r.kind;
    }
  });
}

/** Polls a condition; fails with what was awaited. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
