/**
 * An incremental HTTP/1.1 response decoder for one GET whose body streams: the status line and
 * headers, then the body as framed by `Transfer-Encoding: chunked`, `Content-Length` or the close
 * of the connection (RFC 9112 section 6.3). No I/O and no allocation per body byte: body slices are
 * views into the bytes fed, valid only during the `onBody` call (the fleet reads every socket into
 * one shared buffer, and the event-stream parser copies what it keeps).
 */

/** A response head: the status and the headers, names lower-cased, repeated ones joined by ", ". */
export interface ResponseHead {
  status: number;
  headers: Record<string, string>;
}

export interface Http1Handlers {
  /** The final response's head (1xx heads are skipped). Return false to stop decoding this response. */
  onHead(head: ResponseHead): boolean;
  /** Body bytes: a view, valid only during the call. */
  onBody(chunk: Uint8Array): void;
  /** The body ended as framed (last chunk, or Content-Length reached). */
  onEnd(): void;
  /** The response is malformed; nothing more is decoded. */
  onError(message: string): void;
}

/** A head larger than this is refused (nginx's default large_client_header_buffers is 4 x 8 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;

const CR = 13;
const LF = 10;

const enum State {
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  Done,
  Failed,
}

export class Http1ResponseDecoder {
  private state = State.Head;
  private head: number[] = [];
  /** Body framing once the head is in: bytes left (length or current chunk), or -1 until close. */
  private remaining = 0;
  private line = '';
  private readonly h: Http1Handlers;

  constructor(handlers: Http1Handlers) {
    this.h = handlers;
  }

  /** True once the response has ended, failed or been given up (onHead returned false). */
  get done(): boolean {
    return this.state === State.Done || this.state === State.Failed;
  }

  /** Decodes `buf[start..end)`. */
  feed(buf: Uint8Array, start = 0, end = buf.length): void {
    let i = start;
    while (i < end && !this.done) {
      switch (this.state) {
        case State.Head:
          i = this.readHead(buf, i, end);
          break;
        case State.Body: {
          if (this.remaining < 0) {
            this.h.onBody(buf.subarray(i, end));
            return;
          }
          const n = Math.min(this.remaining, end - i);
          this.remaining -= n;
          this.h.onBody(buf.subarray(i, i + n));
          i += n;
          if (this.remaining === 0) this.finish();
          break;
        }
        case State.ChunkSize:
        case State.Trailer:
        case State.ChunkDataEnd:
          i = this.readLine(buf, i, end);
          break;
        case State.ChunkData: {
          const n = Math.min(this.remaining, end - i);
          this.remaining -= n;
          if (n > 0) this.h.onBody(buf.subarray(i, i + n));
          i += n;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
      }
    }
  }

  /**
   * The peer closed the connection: a body framed by the close ends cleanly; anything else was cut.
   * Returns whether that was a clean end (onEnd called) or a cut (`'cut'`, nothing called), or that
   * the response had already ended (`'done'`).
   */
  close(): 'end' | 'cut' | 'done' {
    if (this.done) return 'done';
    if (this.state === State.Body && this.remaining < 0) {
      this.finish();
      return 'end';
    }
    this.state = State.Failed;
    return 'cut';
  }

  private finish(): void {
    this.state = State.Done;
    this.h.onEnd();
  }

  private fail(message: string): void {
    this.state = State.Failed;
    this.h.onError(message);
  }

  private readHead(buf: Uint8Array, i: number, end: number): number {
    const head = this.head;
    for (; i < end; i++) {
      const b = buf[i]!;
      head.push(b);
      const n = head.length;
      if (
        b === LF &&
        n >= 2 &&
        (head[n - 2] === LF || (head[n - 2] === CR && n >= 3 && head[n - 3] === LF))
      ) {
        this.head = [];
        this.onHeadBytes(head);
        return i + 1;
      }
      if (n > MAX_HEAD_BYTES) {
        this.fail(`response head larger than ${MAX_HEAD_BYTES} bytes`);
        return end;
      }
    }
    return end;
  }

  private onHeadBytes(bytes: number[]): void {
    const lines = Buffer.from(bytes)
      .toString('latin1')
      .split(/\r?\n/)
      .filter((l) => l !== '');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!m) return this.fail(`not an HTTP/1.x status line: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
    const status = Number(m[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) return this.fail(`malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    // Interim responses (100 Continue, 103 Early Hints): the final one follows.
    if (status >= 100 && status < 200 && status !== 101) return;
    const te = (headers['transfer-encoding'] ?? '').toLowerCase();
    const chunked = /(?:^|,)\s*chunked\s*$/.test(te);
    const length = headers['content-length'];
    let mode: 'none' | 'chunked' | 'length' | 'close';
    if (status === 204 || status === 304 || status === 101) mode = 'none';
    else if (chunked) mode = 'chunked';
    else if (te !== '')
      mode = 'close'; // an encoding other than chunked last: read until close
    else if (length !== undefined) {
      if (!/^\d+$/.test(length)) return this.fail(`bad Content-Length ${JSON.stringify(length)}`);
      mode = 'length';
      this.remaining = Number(length);
    } else mode = 'close';
    if (!this.h.onHead({ status, headers })) {
      this.state = State.Done;
      return;
    }
    if (this.done) return;
    if (mode === 'none' || (mode === 'length' && this.remaining === 0)) return this.finish();
    if (mode === 'chunked') this.state = State.ChunkSize;
    else {
      if (mode === 'close') this.remaining = -1;
      this.state = State.Body;
    }
  }

  /** Reads one CRLF-terminated line of chunk framing (size line, data end, trailer). */
  private readLine(buf: Uint8Array, i: number, end: number): number {
    for (; i < end; i++) {
      const b = buf[i]!;
      if (b !== LF) {
        if (b !== CR) this.line += String.fromCharCode(b);
        if (this.line.length > 4096) {
          this.fail('chunk framing line longer than 4096 bytes');
          return end;
        }
        continue;
      }
      const line = this.line;
      this.line = '';
      if (this.state === State.ChunkDataEnd) {
        if (line !== '') {
          this.fail('missing CRLF after chunk data');
          return end;
        }
        this.state = State.ChunkSize;
      } else if (this.state === State.ChunkSize) {
        const size = line.split(';', 1)[0]!.trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(size)) {
          this.fail(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
          return end;
        }
        const n = parseInt(size, 16);
        if (n === 0) this.state = State.Trailer;
        else {
          this.remaining = n;
          this.state = State.ChunkData;
        }
      } else if (line === '') {
        this.finish(); // the empty line after the last chunk (and any trailers)
      }
      return i + 1;
    }
    return end;
  }
}
