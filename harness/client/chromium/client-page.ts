/**
 * One browser context holding one page at the stream's origin, its EventSources, and the CDP session
 * that watches them. A context is a separate "user": its own network state, so its own HTTP/1.1 limit
 * of 6 connections per origin (pages of one context share that limit, as tabs do).
 *
 * The page's document is served by a Playwright route, so it never reaches the server, yet the
 * EventSources are same-origin (no CORS needed). The route is removed before any EventSource opens:
 * no interception sits in their path.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { RunClock } from '../../history/clock.ts';
import type {
  DataReceived,
  EventSourceMessageReceived,
  LoadingFailed,
  LoadingFinished,
  RequestWillBeSent,
  RequestWillBeSentExtraInfo,
  ResponseReceived,
} from './cdp-events.ts';
import type { ChromiumBrowser } from './launch.ts';
import {
  CLIENT_PAGE_HTML,
  CLIENT_PAGE_PATH,
  CLOSE_ALL_SCRIPT,
  openScript,
  REPORT_BINDING,
  subFromFragment,
} from './page-script.ts';
import type { TimeBase } from './time-base.ts';
import type { ChromiumSubscriber } from './tracker.ts';

export interface ClientPageOptions {
  browser: ChromiumBrowser;
  /** The stream's origin, e.g. `http://127.0.0.1:8080`. */
  origin: string;
  /** The subscribers this page may hold, by sub. */
  trackers: ReadonlyMap<number, ChromiumSubscriber>;
  timeBase: TimeBase;
  clock: RunClock;
  /** Accept any TLS certificate in this context (self-signed test certificates). */
  ignoreHttpsErrors?: boolean;
}

/** Headers that arrived before their requestWillBeSent; never more than this many are kept. */
const MAX_EARLY_HEADERS = 1024;

export class ClientPage {
  private readonly byRequest = new Map<string, ChromiumSubscriber>();
  private readonly earlyHeaders = new Map<string, Record<string, string>>();
  private readonly mine = new Set<ChromiumSubscriber>();
  private navigationT: number | undefined;

  private constructor(
    private readonly o: ClientPageOptions,
    readonly context: BrowserContext,
    private page: Page | null = null,
    private session: CDPSession | null = null,
  ) {}

  /** Opens the context and its page; on failure nothing is left open. */
  static async open(o: ClientPageOptions): Promise<ClientPage> {
    const context = await o.browser.playwright.newContext({
      ignoreHTTPSErrors: o.ignoreHttpsErrors ?? false,
    });
    const cp = new ClientPage(o, context);
    try {
      await cp.init();
      return cp;
    } catch (err) {
      await cp.close();
      throw err;
    }
  }

  private async init(): Promise<void> {
    const { o, context } = this;
    await context.exposeBinding(REPORT_BINDING, (_source, sub: unknown, readyState: unknown) => {
      if (typeof sub === 'number' && typeof readyState === 'number')
        o.trackers.get(sub)?.onPageError(readyState);
    });
    const page = (this.page = await context.newPage());
    const session = (this.session = await context.newCDPSession(page));
    this.wire(session);
    await session.send('Network.enable');
    page.on('crash', () => this.gone('the renderer process crashed'));

    const url = o.origin + CLIENT_PAGE_PATH;
    await page.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: CLIENT_PAGE_HTML }),
    );
    const before = o.clock.now();
    await page.goto(url);
    const after = o.clock.now();
    await page.unrouteAll();
    // The navigation's own request timestamp, bracketed by our clock: proves the shared time base.
    if (this.navigationT !== undefined) o.timeBase.calibrate(before, this.navigationT, after);
  }

  /** Creates the EventSources ([sub, tagged url] pairs) in this page. */
  async openSources(sources: ReadonlyArray<readonly [number, string]>): Promise<void> {
    for (const [sub] of sources) {
      const t = this.o.trackers.get(sub);
      if (t) this.mine.add(t);
    }
    await this.page!.evaluate(openScript(sources));
  }

  /** es.close() on every EventSource of the page. */
  async closeSources(): Promise<void> {
    if (this.page && !this.page.isClosed()) await this.page.evaluate(CLOSE_ALL_SCRIPT);
  }

  /** Closes the context (its page and requests). Never throws. */
  async close(): Promise<void> {
    await this.session?.detach().catch(() => undefined);
    await this.context.close().catch(() => undefined);
    this.session = null;
    this.page = null;
  }

  private gone(why: string): void {
    const t = this.o.clock.now();
    for (const tracker of this.mine) tracker.onPageGone(t, why);
  }

  /**
   * The body bytes received so far, and streaming of the rest into dataReceived. A request that
   * already finished (a short response) cannot stream; its whole body is still there to read.
   * Null when neither works (nothing raw is observable for that attempt).
   */
  private async rawBytes(s: CDPSession, requestId: string): Promise<Buffer | null> {
    try {
      const r = await s.send('Network.streamResourceContent', { requestId });
      return Buffer.from(r.bufferedData, 'base64');
    } catch {
      try {
        const b = await s.send('Network.getResponseBody', { requestId });
        return Buffer.from(b.body, b.base64Encoded ? 'base64' : 'utf8');
      } catch {
        return null;
      }
    }
  }

  private wire(s: CDPSession): void {
    const tb = this.o.timeBase;
    s.on('Network.requestWillBeSent', (e: RequestWillBeSent) => {
      if (e.type === 'Document' && this.navigationT === undefined) this.navigationT = e.timestamp;
      if (e.type !== 'EventSource' || e.redirectResponse !== undefined) return; // a redirect continues its attempt
      const sub = subFromFragment(e.request.urlFragment);
      const tracker = sub === undefined ? undefined : this.o.trackers.get(sub);
      if (!tracker) return;
      const id = e.requestId;
      this.byRequest.set(id, tracker);
      tracker.onRequest(id, tb.toRun(e.timestamp));
      const early = this.earlyHeaders.get(id);
      if (early) {
        this.earlyHeaders.delete(id);
        tracker.onRequestHeaders(id, early);
      }
      void this.rawBytes(s, id).then((bytes) => tracker.onRawBytes(id, bytes));
    });
    s.on('Network.requestWillBeSentExtraInfo', (e: RequestWillBeSentExtraInfo) => {
      const tracker = this.byRequest.get(e.requestId);
      if (tracker) tracker.onRequestHeaders(e.requestId, e.headers);
      else if (this.earlyHeaders.size < MAX_EARLY_HEADERS) this.earlyHeaders.set(e.requestId, e.headers);
    });
    s.on('Network.responseReceived', (e: ResponseReceived) => {
      this.byRequest
        .get(e.requestId)
        ?.onResponse(
          e.requestId,
          tb.toRun(e.timestamp),
          e.response.status,
          e.response.mimeType,
          e.response.headers,
        );
    });
    s.on('Network.dataReceived', (e: DataReceived) => {
      this.byRequest.get(e.requestId)?.onData(e.requestId, tb.toRun(e.timestamp), e.dataLength, e.data);
    });
    s.on('Network.eventSourceMessageReceived', (e: EventSourceMessageReceived) => {
      this.byRequest
        .get(e.requestId)
        ?.onMessage(e.requestId, tb.toRun(e.timestamp), e.eventName, e.eventId, e.data);
    });
    s.on('Network.loadingFinished', (e: LoadingFinished) => {
      const tracker = this.byRequest.get(e.requestId);
      this.byRequest.delete(e.requestId);
      tracker?.onFinished(e.requestId, tb.toRun(e.timestamp));
    });
    s.on('Network.loadingFailed', (e: LoadingFailed) => {
      const tracker = this.byRequest.get(e.requestId);
      this.byRequest.delete(e.requestId);
      tracker?.onFailed(e.requestId, tb.toRun(e.timestamp), e.errorText, e.canceled === true);
    });
  }
}
