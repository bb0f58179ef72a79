/**
 * A streaming `text/event-stream` parser, exactly per the WHATWG HTML "event stream interpretation"
 * rules, for any chunking of the bytes. No I/O: bytes in, callbacks out.
 *
 * Why bytes and not strings: a fleet of thousands of subscribers parses every event, so the parser
 * scans raw bytes for CR/LF with `indexOf`, matches field names byte by byte, and decodes UTF-8 only
 * for the values it hands out (data once per event, not per line). Every separator the format knows
 * (CR, LF, `:`, space) is ASCII and can never be part of a multi-byte UTF-8 sequence, so decoding each
 * value on its own gives exactly what decoding the whole stream would (including U+FFFD replacement).
 *
 * Limits on line and event size throw a {@link ParserLimitError}: a hostile or broken stream can never
 * make the harness hold unbounded memory.
 */
import { isAscii } from 'node:buffer';

/** An event as dispatched. `bytes` is the UTF-8 length of `data` (an addition to the shared contract). */
export interface ParsedEvent {
  type: string;
  data: string;
  lastEventId: string;
  bytes: number;
}

export interface ParserHandlers {
  onEvent(e: { type: string; data: string; lastEventId: string; bytes: number }): void;
  /** A `retry:` field with only ASCII digits, as sent (may exceed any sane timer range: clamp it). */
  onRetry?(ms: number): void;
  /** A comment line; `text` is everything after the colon (leading space kept). */
  onComment?(text: string): void;
}

export interface ParserOptions {
  /** The last event id this stream starts from (the id sent as Last-Event-ID). */
  lastEventId?: string;
  /** Longest line accepted, in bytes, without its terminator. Default 4 MiB. */
  maxLineBytes?: number;
  /** Largest `data` of one event accepted, in bytes. Default 16 MiB. */
  maxEventBytes?: number;
}

export interface Parser {
  feed(chunk: Uint8Array): void;
  /** The stream ended: an unterminated line and an undispatched event are discarded (per spec). */
  end(): void;
  readonly lastEventId: string;
}

/** A stream broke a configured size limit; the parser refuses further input. */
export class ParserLimitError extends Error {
  readonly limit: 'maxLineBytes' | 'maxEventBytes';
  readonly max: number;
  constructor(limit: 'maxLineBytes' | 'maxEventBytes', max: number) {
    super(
      `event stream exceeded ${limit}=${max} bytes; the server sent a longer ${limit === 'maxLineBytes' ? 'line' : 'event'}` +
        ` (raise ${limit} in the parser options if that is legitimate)`,
    );
    this.name = 'ParserLimitError';
    this.limit = limit;
    this.max = max;
  }
}

export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;

/** Node's undocumented-in-types but long-stable Buffer slicing decoders (lib/buffer.js). */
type SliceBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
};

const EMPTY = Buffer.alloc(0) as SliceBuffer;

/**
 * UTF-8 decoding of one value. Node's Buffer#utf8Slice costs half of TextDecoder#decode per call and
 * replaces invalid sequences the same WHATWG way (the chunking property test checks it against
 * TextDecoder). It never strips a BOM: only the stream's first BOM is stripped, by hand.
 */
function decodeUtf8(buf: SliceBuffer, start: number, end: number): string {
  return start === end ? '' : buf.utf8Slice(start, end);
}

/** A Buffer view of the caller's bytes (no copy) so decode() can use utf8Slice. */
function asBuffer(bytes: Uint8Array): SliceBuffer {
  return (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  ) as SliceBuffer;
}

/** True when buf[start..end) is exactly the ASCII field name `name` followed by ':' or end of line. */
function isField(buf: Uint8Array, start: number, end: number, name: readonly number[]): boolean {
  const n = name.length;
  if (end - start < n) return false;
  for (let i = 0; i < n; i++) if (buf[start + i] !== name[i]) return false;
  return start + n === end || buf[start + n] === COLON;
}

const EVENT = [0x65, 0x76, 0x65, 0x6e, 0x74];
const RETRY = [0x72, 0x65, 0x74, 0x72, 0x79];

/** Start of the value: after the colon and one optional space (end of line when there is no colon). */
function valueStart(buf: Uint8Array, start: number, end: number, nameLen: number): number {
  let v = start + nameLen + 1;
  if (v > end) return end;
  if (v < end && buf[v] === SPACE) v++;
  return v;
}

export function createParser(handlers: ParserHandlers, options: ParserOptions = {}): Parser {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxEvent = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const { onEvent, onRetry, onComment } = handlers;

  let lastEventId = options.lastEventId ?? ''; // the "last event ID string"
  let idBuffer = lastEventId; // the "last event ID buffer"
  let eventType = '';

  // The event's data. While an event has a single data line that lies inside the current chunk we
  // only remember where it is (no copy); a second line, or the end of feed(), copies into dataBuf.
  let dataBuf = EMPTY; // allocated on first need: most events never copy
  let dataLen = 0; // bytes in dataBuf, each line followed by LF
  let refBuf: SliceBuffer | null = null;
  let refStart = 0;
  let refEnd = 0;
  let hasData = false;

  // An incomplete line carried over from previous chunks.
  let pending = EMPTY;
  let pendingLen = 0;

  let skipLF = false; // the previous chunk ended in CR: a leading LF belongs to that line end
  let bomState = 0; // 0..2: bytes of a leading BOM seen so far; 3: past the stream start
  let failed: ParserLimitError | null = null;

  // The current chunk, and when it is all ASCII its text (decoded once, lazily): values are then
  // cheap slices of one string instead of one decoder call each. (A consumer that keeps a value for
  // long keeps that chunk's text alive: copy it if you store many, as History's interner does.)
  let chunkBuf: SliceBuffer | null = null;
  let chunkAscii = false;
  let chunkText: string | null = null;

  function decode(buf: SliceBuffer, start: number, end: number): string {
    if (buf === chunkBuf && chunkAscii) {
      chunkText ??= buf.latin1Slice(0, buf.length);
      return chunkText.slice(start, end);
    }
    return decodeUtf8(buf, start, end);
  }

  function ensureData(extra: number): void {
    const need = dataLen + extra;
    if (need > maxEvent + 1) {
      failed = new ParserLimitError('maxEventBytes', maxEvent);
      throw failed;
    }
    if (need <= dataBuf.length) return;
    let size = Math.max(256, dataBuf.length * 2);
    while (size < need) size *= 2;
    const next = Buffer.alloc(size) as SliceBuffer;
    next.set(dataBuf.subarray(0, dataLen));
    dataBuf = next;
  }

  function materialize(): void {
    if (refBuf === null) return;
    const n = refEnd - refStart;
    ensureData(n + 1);
    dataBuf.set(refBuf.subarray(refStart, refEnd), dataLen);
    dataLen += n;
    dataBuf[dataLen++] = LF;
    refBuf = null;
  }

  function appendPending(buf: Uint8Array, start: number, end: number): void {
    const n = end - start;
    const need = pendingLen + n;
    if (need > maxLine) {
      failed = new ParserLimitError('maxLineBytes', maxLine);
      throw failed;
    }
    if (need > pending.length) {
      let size = Math.max(256, pending.length * 2);
      while (size < need) size *= 2;
      const next = Buffer.alloc(size) as SliceBuffer;
      next.set(pending.subarray(0, pendingLen));
      pending = next;
    }
    pending.set(buf.subarray(start, end), pendingLen);
    pendingLen = need;
  }

  function dispatch(): void {
    lastEventId = idBuffer;
    if (!hasData) {
      eventType = '';
      return;
    }
    let data: string;
    let bytes: number;
    if (refBuf !== null) {
      bytes = refEnd - refStart;
      data = decode(refBuf, refStart, refEnd);
      refBuf = null;
    } else {
      bytes = dataLen - 1; // drop the final LF
      data = decode(dataBuf, 0, bytes);
    }
    dataLen = 0;
    hasData = false;
    const type = eventType === '' ? 'message' : eventType;
    eventType = '';
    onEvent({ type, data, lastEventId, bytes });
  }

  /** One complete line, without its terminator. */
  function line(buf: SliceBuffer, start: number, end: number): void {
    if (start === end) {
      dispatch();
      return;
    }
    const b0 = buf[start];
    if (b0 === COLON) {
      if (onComment) onComment(decode(buf, start + 1, end));
      return;
    }
    if (
      b0 === 0x64 /* d */ &&
      end - start >= 4 && // bytes past `end` may be stale (the pending buffer is reused)
      buf[start + 1] === 0x61 &&
      buf[start + 2] === 0x74 &&
      buf[start + 3] === 0x61 &&
      (start + 4 === end || buf[start + 4] === COLON)
    ) {
      const v = valueStart(buf, start, end, 4);
      if (end - v > maxEvent) {
        failed = new ParserLimitError('maxEventBytes', maxEvent);
        throw failed;
      }
      if (!hasData && buf !== pending) {
        refBuf = buf;
        refStart = v;
        refEnd = end;
      } else {
        materialize();
        ensureData(end - v + 1);
        dataBuf.set(buf.subarray(v, end), dataLen);
        dataLen += end - v;
        dataBuf[dataLen++] = LF;
      }
      hasData = true;
      return;
    }
    if (b0 === 0x65 /* e */ && isField(buf, start, end, EVENT)) {
      eventType = decode(buf, valueStart(buf, start, end, 5), end);
      return;
    }
    if (
      b0 === 0x69 /* i */ &&
      end - start >= 2 &&
      buf[start + 1] === 0x64 &&
      (start + 2 === end || buf[start + 2] === COLON)
    ) {
      const v = valueStart(buf, start, end, 2);
      for (let i = v; i < end; i++) if (buf[i] === 0) return; // ids with U+0000 are ignored
      idBuffer = decode(buf, v, end);
      return;
    }
    if (b0 === 0x72 /* r */ && isField(buf, start, end, RETRY)) {
      const v = valueStart(buf, start, end, 5);
      if (v === end) return;
      let ms = 0;
      for (let i = v; i < end; i++) {
        const c = buf[i] - 0x30;
        if (c < 0 || c > 9) return; // only ASCII digits
        ms = ms * 10 + c;
      }
      // Beyond 15 digits the running product loses precision; let Number round it once.
      if (end - v > 15) ms = Number(buf.latin1Slice(v, end));
      if (onRetry) onRetry(ms);
    }
    // Any other field is ignored.
  }

  function feed(input: Uint8Array): void {
    if (failed) throw failed;
    let chunk = input;
    if (bomState < 3) {
      // Strip exactly one leading UTF-8 BOM (EF BB BF), which may arrive split across chunks.
      const BOM = [0xef, 0xbb, 0xbf];
      let i = 0;
      while (bomState < 3 && i < chunk.length) {
        if (chunk[i] !== BOM[bomState]) {
          // Not a BOM after all: the bytes we swallowed were content.
          const swallowed = Uint8Array.from(BOM.slice(0, bomState));
          bomState = 3;
          const joined = new Uint8Array(swallowed.length + chunk.length - i);
          joined.set(swallowed);
          joined.set(chunk.subarray(i), swallowed.length);
          chunk = joined;
          i = 0;
          break;
        }
        bomState++;
        i++;
      }
      if (bomState < 3) return; // all of this chunk was a BOM prefix so far
      if (i > 0) chunk = chunk.subarray(i);
    }
    const buf = asBuffer(chunk);
    chunkBuf = buf;
    chunkAscii = isAscii(buf);
    chunkText = null;
    const len = chunk.length;
    let pos = 0;
    if (skipLF && len > 0) {
      if (chunk[0] === LF) pos = 1;
      skipLF = false;
    }
    let nextCR = -2; // cached position of the next CR (len: none left in this chunk)
    while (pos < len) {
      // Native indexOf beats a hand-written byte loop here (measured); CR is rare, so its position
      // is searched once and cached instead of once per line.
      let eol = buf.indexOf(LF, pos);
      if (eol === -1) eol = len;
      if (nextCR < pos) {
        nextCR = buf.indexOf(CR, pos);
        if (nextCR === -1) nextCR = len;
      }
      if (nextCR < eol) eol = nextCR;
      if (eol === len) break;
      if (pendingLen > 0) {
        appendPending(chunk, pos, eol);
        const n = pendingLen;
        pendingLen = 0;
        line(pending, 0, n);
      } else {
        if (eol - pos > maxLine) {
          failed = new ParserLimitError('maxLineBytes', maxLine);
          throw failed;
        }
        line(buf, pos, eol);
      }
      if (buf[eol] === CR) {
        if (eol + 1 < len) {
          pos = chunk[eol + 1] === LF ? eol + 2 : eol + 1;
        } else {
          skipLF = true;
          pos = eol + 1;
        }
      } else {
        pos = eol + 1;
      }
    }
    // The chunk may be reused by the caller: copy what we still point into.
    materialize();
    if (pos < len) appendPending(chunk, pos, len);
    chunkBuf = null;
    chunkText = null;
  }

  function end(): void {
    // Per spec, an unterminated line and an event without its blank line are discarded.
    pendingLen = 0;
    refBuf = null;
    dataLen = 0;
    hasData = false;
    eventType = '';
    skipLF = false;
    bomState = 0;
    idBuffer = lastEventId;
  }

  return {
    feed,
    end,
    get lastEventId() {
      return lastEventId;
    },
  };
}
