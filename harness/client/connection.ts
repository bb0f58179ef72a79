/**
 * One SSE connection over undici's low-level dispatch API (no EventSource, no stream objects: at
 * 10,000 connections every per-connection Readable and per-chunk promise counts).
 *
 * It applies the browser's response rules: 200 with `text/event-stream` streams; any other status
 * (204 included) or content type ends the connection with that reason, and the subscriber's profile
 * decides what happens next. Redirects are followed like fetch does (bounded, each hop from the
 * Location resolved against the current URL); the next reconnect starts again from the original URL.
 */
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
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
  dispatcher: Dispatcher;
  /** The clock for headersMs/ttfbMs (the run clock's now()). */
  now: () => number;
  /** Redirect hops followed before failing with a network error (fetch uses 20). */
  maxRedirects?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
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

export function openConnection(opts: ConnectionOptions, events: ConnectionEvents): Connection {
  const start = opts.now();
  const maxRedirects = opts.maxRedirects ?? 20;
  const traceparent = newTraceparent();
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    'cache-control': 'no-cache',
    traceparent,
    ...opts.headers,
  };
  if (opts.lastEventId !== '') headers['last-event-id'] = utf8HeaderValue(opts.lastEventId);

  let ended = false;
  let controller: Dispatcher.DispatchController | null = null;
  let redirects = 0;

  function end(e: ConnectionEnd): void {
    if (ended) return;
    ended = true;
    events.onEnd(e);
  }

  function stopTransport(): void {
    const c = controller;
    controller = null;
    if (c && !c.aborted) c.abort(new Error('sse-chaos: connection closed by the client'));
  }

  function dispatch(url: URL): void {
    let streaming = false;
    let gotFirstByte = false;
    let mine: Dispatcher.DispatchController | null = null;
    let abandoned = false; // this hop was left for a redirect: its late callbacks mean nothing
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        mine = c;
        if (ended) {
          c.abort(new Error('sse-chaos: connection closed by the client'));
          return;
        }
        controller = c;
      },
      onResponseStart(_c, status, resHeaders) {
        if (ended || abandoned) return;
        const location = header(resHeaders, 'location');
        if (REDIRECT.has(status) && location !== '') {
          if (redirects >= maxRedirects) {
            end({ reason: 'error', detail: `too many redirects (${redirects}), last to ${location}` });
            stopTransport();
            return;
          }
          redirects++;
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            end({ reason: 'error', detail: `bad redirect Location ${JSON.stringify(location)}` });
            stopTransport();
            return;
          }
          abandoned = true;
          stopTransport();
          dispatch(next);
          return;
        }
        const contentType = header(resHeaders, 'content-type');
        events.onResponse({ status, contentType, headersMs: opts.now() - start, url: url.href, redirects });
        if (ended) return;
        if (status !== 200) {
          end({ reason: 'http-status', status });
          stopTransport();
        } else if (mimeEssence(contentType) !== 'text/event-stream') {
          end({ reason: 'content-type', status, contentType });
          stopTransport();
        } else {
          streaming = true;
        }
      },
      onResponseData(_c, chunk) {
        if (ended || abandoned || !streaming) return;
        if (!gotFirstByte) {
          gotFirstByte = true;
          events.onFirstByte(opts.now() - start);
          if (ended) return;
        }
        try {
          events.onData(chunk);
        } catch (err) {
          end({ reason: 'parse-error', detail: (err as Error).message });
          stopTransport();
        }
      },
      onResponseEnd() {
        if (controller === mine) controller = null;
        if (!abandoned) end({ reason: 'eof' });
      },
      onResponseError(_c, err) {
        if (controller === mine) controller = null;
        if (!abandoned) end({ reason: 'error', detail: errorDetail(err) });
      },
    };
    try {
      opts.dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: 'GET',
          headers,
          // Long-lived streams: undici must never cut them; the idle watchdog is ours.
          bodyTimeout: 0,
          headersTimeout: 0,
        },
        handler,
      );
    } catch (err) {
      end({ reason: 'error', detail: errorDetail(err as Error) });
    }
  }

  let first: URL;
  try {
    first = new URL(opts.url);
  } catch {
    throw new TypeError(`not a valid stream URL: ${JSON.stringify(opts.url)}`);
  }
  dispatch(first);

  return {
    traceparent,
    abort(reason) {
      if (ended) return;
      end({ reason });
      stopTransport();
    },
  };
}
