/**
 * One request of a connection over a plain TCP socket: the fleet's fast path for `http:` streams.
 *
 * Profiles of a fleet holding 10,000 streams put most of its CPU in per-read machinery rather than
 * in our code: a Buffer per read (and the GC that follows), Node's stream plumbing under undici's
 * socket, undici's llhttp in wasm. Here every socket of the process reads into one shared buffer
 * (`net.connect`'s `onread`: no Buffer per read, no Readable), and the response is decoded in place
 * (http1-decoder.ts). Body bytes are passed on as views into that buffer; the event-stream parser
 * copies what it keeps, and a compressed body is copied before it is handed to zlib.
 *
 * The request is what undici would send for the same call (host, the connection's headers,
 * keep-alive); the socket is closed once the response ended, since a stream owns its connection.
 */
import { connect, type Socket } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { Http1ResponseDecoder, type Http1Handlers, type ResponseHead } from './http1-decoder.ts';

/** What a hop drives on its connection (connection.ts's SseConnection). */
export interface HopHost {
  readonly ended: boolean;
  controller: HopController | null;
  /** A hop's response head arrived; true when its body streams. */
  response(
    hop: { state: number; readonly href: string },
    status: number,
    headers: IncomingHttpHeaders,
  ): boolean;
  firstByte(): void;
  data(chunk: Uint8Array): void;
  endOfBody(): void;
  end(e: { reason: 'error'; detail: string }): void;
}

/** Cancels a hop's request (undici's DispatchController has the same two members). */
export interface HopController {
  abort(reason: Error): void;
  readonly aborted: boolean;
}

/** Hop states (shared with connection.ts's undici hop). */
export const WAITING = 0;
export const STREAMING = 1;
export const GOT_BYTES = 2;
export const ABANDONED = 3;
export const REFUSED = 4;

/** Every socket of the process reads into this buffer (Node fills it and calls back synchronously). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** undici's connect timeout for the fleet's Agent. */
const CONNECT_TIMEOUT_MS = 10_000;

type HopSocket = Socket & { hop?: SocketHop };

/** The socket's `onread` callback; `this` is the socket (one function for every socket). */
function onRead(this: HopSocket, nread: number, buf: Buffer): boolean {
  this.hop?.read(buf, nread);
  return true;
}

function errorDetail(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code}: ${err.message}` : err.message;
}

/** The request bytes: request line, Host, the caller's headers (as latin1, as undici writes them). */
export function requestHead(url: URL, headers: Record<string, string>): Buffer {
  let head = `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return Buffer.from(`${head}\r\n`, 'latin1');
}

export class SocketHop implements HopController, Http1Handlers {
  state = WAITING;
  aborted = false;
  readonly href: string;
  private readonly host: HopHost;
  private readonly socket: HopSocket;
  private readonly decoder: Http1ResponseDecoder;
  private connected = false;

  constructor(host: HopHost, url: URL, href: string, headers: Record<string, string>) {
    this.host = host;
    this.href = href;
    this.decoder = new Http1ResponseDecoder(this);
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const socket: HopSocket = connect({
      host: hostname,
      port: url.port === '' ? 80 : Number(url.port),
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: onRead },
    });
    socket.hop = this;
    this.socket = socket;
    socket.setTimeout(CONNECT_TIMEOUT_MS);
    socket.once('timeout', () => {
      if (!this.connected)
        socket.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' }));
    });
    socket.once('connect', () => {
      this.connected = true;
      socket.setTimeout(0);
      socket.write(requestHead(url, headers));
    });
    socket.on('error', (err) => this.failed(errorDetail(err)));
    socket.once('close', () => this.closed());
    if (host.ended) this.abort(new Error('closed by the client'));
    else host.controller = this;
  }

  // --- HopController ---
  abort(_reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.socket.destroy();
  }

  // --- the socket ---
  read(buf: Buffer, n: number): void {
    if (this.aborted) return;
    this.decoder.feed(buf, 0, n);
  }

  private release(): void {
    if (this.host.controller === this) this.host.controller = null;
  }

  private failed(detail: string): void {
    this.release();
    if (this.state !== ABANDONED && !this.aborted) this.host.end({ reason: 'error', detail });
  }

  private closed(): void {
    this.socket.hop = undefined;
    if (this.aborted || this.state === ABANDONED) return this.release();
    const how = this.decoder.close();
    if (how === 'cut') this.failed('UND_ERR_SOCKET: other side closed');
    else this.release();
  }

  // --- Http1Handlers ---
  onHead(head: ResponseHead): boolean {
    const host = this.host;
    if (host.ended || this.state !== WAITING) return false;
    const streams = host.response(this, head.status, head.headers);
    if (this.state === WAITING) this.state = streams ? STREAMING : REFUSED;
    return streams;
  }

  onBody(chunk: Uint8Array): void {
    const host = this.host;
    if (host.ended) return;
    if (this.state !== GOT_BYTES) {
      if (this.state !== STREAMING) return;
      this.state = GOT_BYTES;
      host.firstByte();
      if (host.ended) return;
    }
    host.data(chunk);
  }

  onEnd(): void {
    this.release();
    if (this.state !== ABANDONED && this.state !== REFUSED) this.host.endOfBody();
    this.aborted = true; // the response is over: the socket is ours to close
    this.socket.destroy();
  }

  onError(message: string): void {
    this.failed(`HPE_INVALID: ${message}`);
    this.aborted = true;
    this.socket.destroy();
  }
}
