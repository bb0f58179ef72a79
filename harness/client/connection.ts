/**
 * One SSE connection. Plain `http:` streams go over a TCP socket read into a buffer shared by the
 * whole process and decoded in place (socket-hop.ts: at 10,000 connections the per-read Buffer,
 * stream plumbing and HTTP parser of a general client are most of the fleet's CPU); `https:`, and any
 * call that brings its own undici dispatcher, go over undici's low-level dispatch API (no
 * EventSource, no stream objects). Both behave the same from here on.
 *
 * It applies the browser's response rules: 200 with `text/event-stream` streams; any other status
 * (204 included) or content type ends the connection with that reason, and the subscriber's profile
 * decides what happens next. Redirects are followed like fetch does (bounded, each hop from the
 * Location resolved against the current URL); the next reconnect starts again from the original URL.
 *
 * Like a browser it offers `Accept-Encoding: gzip, deflate, br` and decodes a compressed stream: a
 * compressing proxy or app is part of what is under test (it buffers events until its window fills),
 * and a client that refused compression would hide it.
 */
import { Agent, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { Transform } from 'node:stream';
import { constants as zc, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { UPSTREAM_HEADER } from '../history/upstream-header.ts';
import {
  ABANDONED,
  GOT_BYTES,
  REFUSED,
  SocketHop,
  STREAMING,
  WAITING,
  type HopController,
  type HopHost,
} from './socket-hop.ts';
import { newTraceparent } from './traceparent.ts';

/** How a connection ended, as the client saw it (maps 1:1 onto the `close` record). */
export type ConnectionEnd =
  | { reason: 'eof' }
  | { reason: 'error'; detail: string }
  | { reason: 'stalled' }
  | { reason: 'aborted' }
  | { reason: 'http-status'; status: number }
  | { reason: 'content-type'; status: number; contentType: string }
  | { reason: 'parse-error'; detail: string };

export interface ResponseInfo {
  status: number;
  contentType: string;
  /** Milliseconds from the connection start to the final response's headers. */
  headersMs: number;
  /** The URL that answered (after redirects). */
  url: string;
  redirects: number;
  /** Content-Encoding of the body ('' when not compressed). */
  encoding: string;
  /** The upstream the proxy says served it (UPSTREAM_HEADER; '' when absent). */
  upstream: string;
}

export interface ConnectionEvents {
  /** The final (non-redirect) response's headers arrived, streaming or not. */
  onResponse(info: ResponseInfo): void;
  /** The first body byte of a streaming response; `ttfbMs` from the connection start. */
  onFirstByte(ttfbMs: number): void;
  /** Body bytes. Throwing here ends the connection with `parse-error` (e.g. a parser limit). */
  onData(chunk: Uint8Array): void;
  /** Called exactly once, last. */
  onEnd(end: ConnectionEnd): void;
}

export interface ConnectionOptions {
  url: string;
  /** Sent as Last-Event-ID when non-empty. */
  lastEventId: string;
  /**
   * An undici dispatcher to send the request through. Without one, `http:` streams use the socket
   * path (socket-hop.ts) and `https:` a process-wide undici Agent.
   */
  dispatcher?: Dispatcher;
  /** The clock for headersMs/ttfbMs (the run clock's now()). */
  now: () => number;
  /** Redirect hops followed before failing with a network error (fetch uses 20). */
  maxRedirects?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * Refuse a `charset` other than UTF-8 on the event stream (a `content-type` end), as browsers'
   * EventSource does: `text/event-stream; charset=iso-8859-1` fails the connection for good.
   */
  onlyUtf8?: boolean;
}

export interface Connection {
  /** Ends the connection now; `onEnd` reports this reason (no-op once ended). */
  abort(reason: 'aborted' | 'stalled'): void;
  readonly traceparent: string;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** The MIME type essence, lower-cased: `Text/Event-Stream; charset=utf-8` -> `text/event-stream`. */
export function mimeEssence(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * The `charset` parameter of a content type ('' when absent), unquoted: `text/event-stream;
 * charset="UTF-8"` -> `UTF-8`. Chromium accepts an event stream only without one or with exactly
 * `utf-8` (any case; not `utf8`).
 */
export function charsetOf(contentType: string): string {
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    return param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return '';
}

/** undici writes header values as latin1: pass the UTF-8 bytes of the id through unchanged. */
function utf8HeaderValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

function errorDetail(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code}: ${err.message}` : err.message;
}

/**
 * Opens one connection. (Classes behind a factory: at 10,000 subscribers every closure counts, and
 * under tsx each named closure also carries its own `name` property; methods live once on the
 * prototype, so a connection costs two small objects: itself and its current hop's handler.)
 */
export function openConnection(opts: ConnectionOptions, events: ConnectionEvents): Connection {
  let first: URL;
  try {
    first = new URL(opts.url);
  } catch {
    throw new TypeError(`not a valid stream URL: ${JSON.stringify(opts.url)}`);
  }
  const c = new SseConnection(opts, events);
  // The caller's URL string when it is already normalized: one string fewer held per connection.
  c.dispatch(first, first.href === opts.url ? opts.url : first.href);
  return c;
}

const CLOSED_BY_CLIENT = 'sse-chaos: connection closed by the client';

/** The Agent for `https:` streams when the caller brought no dispatcher (made on first use). */
let sharedAgent: Agent | undefined;
function defaultDispatcher(): Agent {
  sharedAgent ??= new Agent({
    connections: null,
    pipelining: 0,
    keepAliveTimeout: 4_000,
    bodyTimeout: 0,
    headersTimeout: 0,
    connectTimeout: 10_000,
  });
  return sharedAgent;
}

class SseConnection implements Connection, HopHost {
  readonly traceparent: string;
  private readonly opts: ConnectionOptions;
  private readonly events: ConnectionEvents;
  private readonly start: number;
  /** The request headers, built once and reused for every redirect hop. */
  private readonly headers: Record<string, string>;
  ended = false;
  /** The current hop's controller, while its request is in flight. */
  controller: HopController | null = null;
  /** Decodes a compressed body (Content-Encoding), made only when the server compresses. */
  decoder: Transform | null = null;
  private redirects = 0;

  constructor(opts: ConnectionOptions, events: ConnectionEvents) {
    this.opts = opts;
    this.events = events;
    this.start = opts.now();
    this.traceparent = newTraceparent();
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      'accept-encoding': 'gzip, deflate, br',
      'cache-control': 'no-cache',
      traceparent: this.traceparent,
      ...opts.headers,
    };
    if (opts.lastEventId !== '') headers['last-event-id'] = utf8HeaderValue(opts.lastEventId);
    this.headers = headers;
  }

  abort(reason: 'aborted' | 'stalled'): void {
    if (this.ended) return;
    this.end({ reason });
    this.stopTransport();
  }

  end(e: ConnectionEnd): void {
    if (this.ended) return;
    this.ended = true;
    const d = this.decoder;
    this.decoder = null;
    d?.destroy();
    this.events.onEnd(e);
  }

  /** The body ended cleanly: with a decoder, the end comes once it has emitted everything. */
  endOfBody(): void {
    const d = this.decoder;
    if (!d) return this.end({ reason: 'eof' });
    d.once('end', () => this.end({ reason: 'eof' }));
    d.end();
  }

  /** Ends with `e` and closes the socket. */
  fail(e: ConnectionEnd): void {
    this.end(e);
    this.stopTransport();
  }

  stopTransport(): void {
    const c = this.controller;
    this.controller = null;
    if (c && !c.aborted) c.abort(new Error(CLOSED_BY_CLIENT));
  }

  dispatch(url: URL, href: string): void {
    if (url.protocol === 'http:' && this.opts.dispatcher === undefined) {
      try {
        new SocketHop(this, url, href, this.headers);
      } catch (err) {
        this.end({ reason: 'error', detail: errorDetail(err as Error) });
      }
      return;
    }
    try {
      (this.opts.dispatcher ?? defaultDispatcher()).dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: 'GET',
          headers: this.headers,
          // Long-lived streams: undici must never cut them; the idle watchdog is ours.
          bodyTimeout: 0,
          headersTimeout: 0,
        },
        new Hop(this, href),
      );
    } catch (err) {
      this.end({ reason: 'error', detail: errorDetail(err as Error) });
    }
  }

  /** A hop's response headers arrived; returns true when its body streams (false: ended or redirected). */
  response(
    hop: { state: number; readonly href: string },
    status: number,
    resHeaders: IncomingHttpHeaders,
  ): boolean {
    const href = hop.href;
    const location = header(resHeaders, 'location');
    if (REDIRECT.has(status) && location !== '') {
      if (this.redirects >= (this.opts.maxRedirects ?? 20)) {
        this.fail({ reason: 'error', detail: `too many redirects (${this.redirects}), last to ${location}` });
        return false;
      }
      this.redirects++;
      let next: URL;
      try {
        next = new URL(location, href);
      } catch {
        this.fail({ reason: 'error', detail: `bad redirect Location ${JSON.stringify(location)}` });
        return false;
      }
      hop.state = ABANDONED; // before stopTransport(): its error callback must not end the connection
      this.stopTransport();
      this.dispatch(next, next.href);
      return false;
    }
    const contentType = header(resHeaders, 'content-type');
    const encoding = header(resHeaders, 'content-encoding').trim().toLowerCase();
    this.events.onResponse({
      status,
      contentType,
      headersMs: this.opts.now() - this.start,
      url: href,
      redirects: this.redirects,
      encoding: encoding === 'identity' ? '' : encoding,
      upstream: header(resHeaders, UPSTREAM_HEADER),
    });
    if (this.ended) return false;
    if (status !== 200) {
      this.fail({ reason: 'http-status', status });
      return false;
    }
    if (mimeEssence(contentType) !== 'text/event-stream') {
      this.fail({ reason: 'content-type', status, contentType });
      return false;
    }
    const charset = this.opts.onlyUtf8 ? charsetOf(contentType) : '';
    if (charset !== '' && charset.toLowerCase() !== 'utf-8') {
      this.fail({ reason: 'content-type', status, contentType });
      return false;
    }
    if (encoding !== '' && encoding !== 'identity') {
      const d = decoderFor(encoding);
      if (!d) {
        this.fail({ reason: 'error', detail: `unsupported Content-Encoding ${JSON.stringify(encoding)}` });
        return false;
      }
      d.on('data', (chunk: Buffer) => this.deliver(chunk));
      d.on('error', (err: Error) =>
        this.fail({ reason: 'error', detail: `${encoding} body: ${err.message}` }),
      );
      this.decoder = d;
    }
    return true;
  }

  firstByte(): void {
    this.events.onFirstByte(this.opts.now() - this.start);
  }

  data(chunk: Uint8Array): void {
    // zlib works on its input later: a view into the socket path's shared read buffer must be copied.
    if (this.decoder) this.decoder.write(Buffer.from(chunk));
    else this.deliver(chunk);
  }

  deliver(chunk: Uint8Array): void {
    if (this.ended) return;
    try {
      this.events.onData(chunk);
    } catch (err) {
      this.fail({ reason: 'parse-error', detail: (err as Error).message });
    }
  }
}

/** A streaming decoder that emits whatever it can decode at once (a browser does the same). */
function decoderFor(encoding: string): Transform | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip({ flush: zc.Z_SYNC_FLUSH, finishFlush: zc.Z_SYNC_FLUSH });
    case 'deflate':
      return createInflate({ flush: zc.Z_SYNC_FLUSH, finishFlush: zc.Z_SYNC_FLUSH });
    case 'br':
      return createBrotliDecompress({
        flush: zc.BROTLI_OPERATION_FLUSH,
        finishFlush: zc.BROTLI_OPERATION_FLUSH,
      });
    default:
      return undefined;
  }
}

/** The undici handler of one request (one hop: the first URL, or one redirect target). */
class Hop implements Dispatcher.DispatchHandler {
  private readonly conn: SseConnection;
  readonly href: string;
  private mine: HopController | null = null;
  state = WAITING;

  constructor(conn: SseConnection, href: string) {
    this.conn = conn;
    this.href = href;
  }

  onRequestStart(c: Dispatcher.DispatchController): void {
    this.mine = c;
    if (this.conn.ended) {
      c.abort(new Error(CLOSED_BY_CLIENT));
      return;
    }
    this.conn.controller = c;
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, resHeaders: IncomingHttpHeaders): void {
    if (this.conn.ended || this.state !== WAITING) return;
    const streams = this.conn.response(this, status, resHeaders);
    if (this.state === WAITING) this.state = streams ? STREAMING : REFUSED;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Uint8Array): void {
    const conn = this.conn;
    if (conn.ended) return;
    if (this.state !== GOT_BYTES) {
      if (this.state !== STREAMING) return;
      this.state = GOT_BYTES;
      conn.firstByte();
      if (conn.ended) return;
    }
    conn.data(chunk);
  }

  onResponseEnd(): void {
    const conn = this.conn;
    if (conn.controller === this.mine) conn.controller = null;
    if (this.state !== ABANDONED) conn.endOfBody();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    const conn = this.conn;
    if (conn.controller === this.mine) conn.controller = null;
    if (this.state !== ABANDONED) conn.end({ reason: 'error', detail: errorDetail(err) });
  }
}
