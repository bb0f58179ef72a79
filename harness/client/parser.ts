/**
 * A streaming `text/event-stream` parser, exactly per the WHATWG HTML "event stream interpretation"
 * rules, for any chunking of the bytes. No I/O: bytes in, callbacks out.
 *
 * How it is fast: a fleet of thousands of subscribers parses every event, mostly in packet-sized
 * chunks. Each chunk is decoded once, with one native call (Latin-1 copy when it is all ASCII, which
 * is nearly always, else UTF-8), and lines are then found and cut with V8's string `indexOf`/`slice`,
 * which share the chunk's memory instead of copying. Chunks without a line end are only copied and
 * decoded once their line ends (byte-by-byte feeding costs one decode per line, not per byte); the CR
 * search is cached per chunk. A UTF-8 sequence split across chunks (at most 3 bytes) stays in one
 * streaming TextDecoder until the next chunk completes it, so decoding per chunk gives exactly what
 * decoding the whole stream would, U+FFFD replacement included. Every separator the format knows
 * (CR, LF, `:`, space) is ASCII, so it never hides inside a multi-byte sequence; that also lets the
 * UTF-8 length of a non-ASCII line come from where its end lies in the bytes instead of a recount.
 * (Measured against eventsource-parser by bench/parser-bench.ts.)
 *
 * Limits on line and event size throw a {@link ParserLimitError}: a hostile or broken stream can never
 * make the harness hold unbounded memory.
 */
import { Buffer, isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

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

/** Node's long-stable Buffer slicing decoders (lib/buffer.js), missing from the typings. */
type SliceBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
};

/** A Buffer view of the caller's bytes (no copy) so the native slicing decoders apply. */
function asBuffer(bytes: Uint8Array): SliceBuffer {
  return (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  ) as SliceBuffer;
}

/**
 * How many bytes at the end of buf[0..len) start a UTF-8 sequence that the next chunk may complete
 * (0..3). Only the last lead byte matters: before any non-continuation byte a WHATWG decoder is back
 * in its initial state (an unfinished sequence before it has already become U+FFFD), so cutting there
 * and decoding the carried bytes with the next chunk gives exactly what decoding the stream would.
 */
function incompleteTail(buf: Uint8Array, len: number): number {
  for (let k = 1; k <= 3 && k <= len; k++) {
    const c = buf[len - k]!;
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = c >= 0xf5 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

const STREAM = { stream: true } as const;

/** UTF-8 length of a value: its length when it came from ASCII bytes, else counted. */
const utf8Length = (s: string, ascii: boolean): number => (ascii ? s.length : Buffer.byteLength(s, 'utf8'));

/**
 * Creates a parser for one stream. (A class behind a factory: its methods live once on the prototype,
 * not as a dozen closures per subscriber; under tsx every closure also gets its own name property,
 * about 300 bytes each, which at 10,000 subscribers is tens of MiB.)
 */
export function createParser(handlers: ParserHandlers, options: ParserOptions = {}): Parser {
  return new EventStreamParser(handlers, options);
}

class EventStreamParser implements Parser {
  private readonly maxLine: number;
  private readonly maxEvent: number;
  /** Called as methods (`this` = the handlers object), so a class can be its own handlers. */
  private readonly handlers: ParserHandlers;

  private lastId: string; // the "last event ID string"
  private idBuffer: string; // the "last event ID buffer"
  private eventType = '';
  private data = ''; // the data buffer, without the trailing LF the spec appends and then removes
  private dataBytes = 0; // UTF-8 length of data, counted per line (a line is flat; the joined data is not)
  private hasData = false;

  private carry = ''; // an unterminated line from earlier chunks, decoded
  private carryAscii = true;
  // Bytes of a line that has not ended yet, not decoded: chunks without a line end (byte-by-byte
  // feeding, long lines) are only copied here, and decoded once when their line ends.
  private pending: SliceBuffer | null = null;
  private pendingLen = 0;
  // Non-ASCII text goes through one streaming decoder (made on first need: most streams never need
  // it), which carries a UTF-8 sequence split across chunks; `busy` says it holds such a part.
  private decoder: TextDecoder | null = null;
  private busy = false;
  private busyTail: Uint8Array | null = null; // the bytes of that part, to tell when it completes
  private busyLen = 0;
  private textAscii = true; // the last decoded text came from ASCII bytes
  private skipLF = false; // the previous chunk ended in CR: a leading LF belongs to that line end
  private started = false; // past the stream's first character (a leading BOM is stripped once)
  private idPinned = false; // idBuffer is a view into the current chunk's text (see ownCopy)
  private failed: ParserLimitError | null = null;

  constructor(handlers: ParserHandlers, options: ParserOptions) {
    this.maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxEvent = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.handlers = handlers;
    this.lastId = options.lastEventId ?? '';
    this.idBuffer = this.lastId;
  }

  get lastEventId(): string {
    return this.lastId;
  }

  private fail(limit: 'maxLineBytes' | 'maxEventBytes', max: number): never {
    this.failed = new ParserLimitError(limit, max);
    throw this.failed;
  }

  private dispatch(): void {
    this.lastId = this.idBuffer;
    if (!this.hasData) {
      this.eventType = '';
      return;
    }
    const type = this.eventType === '' ? 'message' : this.eventType;
    const e = { type, data: this.data, lastEventId: this.lastId, bytes: this.dataBytes };
    this.data = '';
    this.hasData = false;
    this.eventType = '';
    this.handlers.onEvent(e);
  }

  /**
   * One complete line s[start..end), without its terminator. `ascii`: it came from ASCII bytes;
   * `lineBytes`: its UTF-8 length when known from the byte positions (else -1).
   */
  private line(s: string, start: number, end: number, ascii: boolean, lineBytes: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    const c0 = s.charCodeAt(start);
    if (c0 === COLON) {
      if (this.handlers.onComment) this.handlers.onComment(s.slice(start + 1, end));
      return;
    }
    // The field name runs to the first colon (or the end of the line).
    if (c0 === 0x64 /* d */) {
      if (
        end - start >= 4 &&
        s.charCodeAt(start + 1) === 0x61 &&
        s.charCodeAt(start + 2) === 0x74 &&
        s.charCodeAt(start + 3) === 0x61 &&
        (start + 4 === end || s.charCodeAt(start + 4) === COLON)
      ) {
        const v = valueStart(s, start + 4, end);
        const value = v === end ? '' : s.slice(v, end);
        // The field name, colon and space are ASCII: one byte per character.
        const n = ascii ? value.length : lineBytes >= 0 ? lineBytes - (v - start) : utf8Length(value, false);
        if (this.hasData) {
          this.data = `${this.data}\n${value}`;
          this.dataBytes += n + 1;
        } else {
          this.data = value;
          this.dataBytes = n;
          this.hasData = true;
        }
        if (this.dataBytes > this.maxEvent) this.fail('maxEventBytes', this.maxEvent);
      }
      return;
    }
    if (c0 === 0x69 /* i */) {
      if (
        end - start >= 2 &&
        s.charCodeAt(start + 1) === 0x64 &&
        (start + 2 === end || s.charCodeAt(start + 2) === COLON)
      ) {
        const v = valueStart(s, start + 2, end);
        const id = v === end ? '' : s.slice(v, end);
        // Ids with U+0000 are ignored. (On the slice: s.indexOf would scan on to the end of the chunk.)
        if (!id.includes('\u0000')) {
          this.idBuffer = id;
          this.idPinned = id.length >= 13; // copied once at the end of feed(), not per event
        }
      }
      return;
    }
    if (c0 === 0x65 /* e */) {
      if (isField(s, start, end, 'event')) {
        const v = valueStart(s, start + 5, end);
        this.eventType = v === end ? '' : s.slice(v, end);
      }
      return;
    }
    if (c0 === 0x72 /* r */ && isField(s, start, end, 'retry')) {
      const v = valueStart(s, start + 5, end);
      if (v === end) return;
      let ms = 0;
      for (let i = v; i < end; i++) {
        const c = s.charCodeAt(i) - 0x30;
        if (c < 0 || c > 9) return; // only ASCII digits
        ms = ms * 10 + c;
      }
      // Beyond 15 digits the running product loses precision; let Number round it once.
      if (end - v > 15) ms = Number(s.slice(v, end));
      if (this.handlers.onRetry) this.handlers.onRetry(ms);
    }
    // Any other field is ignored.
  }

  /** Remembers which bytes the decoder still holds after decoding `part`. */
  private trackBusy(part: Uint8Array): void {
    const tail = (this.busyTail ??= new Uint8Array(8));
    const n = part.length;
    let keep: number;
    if (n < 3 && this.busyLen > 0) {
      // A short part may complete (or extend) the sequence held from before: look at both.
      tail.set(part, this.busyLen);
      const all = this.busyLen + n;
      keep = incompleteTail(tail, all);
      tail.copyWithin(0, all - keep, all);
    } else {
      keep = incompleteTail(part, n);
      for (let i = 0; i < keep; i++) tail[i] = part[n - keep + i]!;
    }
    this.busyLen = keep;
    this.busy = keep > 0;
  }

  /** Decodes buf[start..end) as the next bytes of the stream; sets textAscii. */
  private decode(buf: SliceBuffer, start: number, end: number): string {
    let text: string;
    const part = start === 0 && end === buf.length ? buf : (buf.subarray(start, end) as SliceBuffer);
    if (!this.busy && isAscii(part)) {
      this.textAscii = true;
      text = buf.latin1Slice(start, end);
    } else {
      this.textAscii = false;
      this.decoder ??= new TextDecoder('utf-8', { ignoreBOM: true }); // the BOM is ours to strip, once
      text = this.decoder.decode(part, STREAM);
      this.trackBusy(part);
    }
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // the stream's one leading BOM
    }
    return text;
  }

  private appendPending(buf: Uint8Array): void {
    const need = this.pendingLen + buf.length;
    if (need > this.maxLine) this.fail('maxLineBytes', this.maxLine);
    let pending = this.pending;
    if (pending === null || need > pending.length) {
      let size = Math.max(256, (pending?.length ?? 0) * 2);
      while (size < need) size *= 2;
      const next = Buffer.allocUnsafe(size) as SliceBuffer;
      if (pending !== null) pending.copy(next, 0, 0, this.pendingLen);
      this.pending = pending = next;
    }
    pending.set(buf, this.pendingLen);
    this.pendingLen = need;
  }

  /** Adds decoded text of an unterminated line to the carry. */
  private addCarry(rest: string, ascii: boolean): void {
    if (this.carry === '') {
      this.carry = rest;
      this.carryAscii = ascii;
    } else {
      this.carry += rest;
      this.carryAscii = this.carryAscii && ascii;
    }
    const carry = this.carry;
    const max = this.maxLine;
    if (carry.length > max || (!this.carryAscii && carry.length > max / 3 && utf8Length(carry, false) > max))
      this.fail('maxLineBytes', max);
  }

  feed(input: Uint8Array): void {
    if (this.failed) throw this.failed;
    let buf = asBuffer(input);
    if (this.skipLF && buf.length > 0) {
      // The previous chunk ended in CR: an LF right after it belongs to that line end.
      this.skipLF = false;
      if (buf[0] === LF) buf = buf.subarray(1) as SliceBuffer;
    }
    if (buf.length === 0) return;
    if (!hasLineEnd(buf)) {
      // No line ends here: keep the bytes, decode them once the line is complete.
      this.appendPending(buf);
      return;
    }
    if (this.pendingLen > 0) {
      const n = this.pendingLen;
      this.pendingLen = 0;
      this.addCarry(this.decode(this.pending!, 0, n), this.textAscii);
    }
    const busyBefore = this.busy;
    const text = this.decode(buf, 0, buf.length);
    const ascii = this.textAscii;
    // Non-ASCII text: a line's UTF-8 length is where its end is in the bytes (counting the string
    // again costs a third of the parse). Exact only when nothing was replaced by U+FFFD, so then not.
    // bpos: byte offset of `pos`; -1 unknown until the first line end (bytes held from the previous
    // chunk belong to the first character); -2 not tracked.
    let bpos = ascii || text.indexOf('\uFFFD') !== -1 ? -2 : busyBefore ? -1 : 0;
    const maxLine = this.maxLine;
    const len = text.length;
    let pos = 0;
    let nextCR = -2; // cached position of the next CR (len: none left in this chunk)
    while (pos < len) {
      if (text.charCodeAt(pos) === LF && this.carry === '') {
        // A blank line (after every event and heartbeat): dispatch without the general path.
        this.dispatch();
        pos++;
        if (bpos >= 0) bpos++;
        continue;
      }
      // CR is rare: its position is searched once and cached instead of once per line.
      let eol = text.indexOf('\n', pos);
      if (eol === -1) eol = len;
      if (nextCR < pos) {
        nextCR = text.indexOf('\r', pos);
        if (nextCR === -1) nextCR = len;
      }
      if (nextCR < eol) eol = nextCR;
      if (eol === len) break;
      let lineBytes = -1;
      let bEol = -1;
      if (bpos !== -2) {
        bEol = buf.indexOf(eol === nextCR ? CR : LF, bpos < 0 ? 0 : bpos);
        if (bpos >= 0 && this.carry === '') lineBytes = bEol - bpos;
      }
      if (this.carry !== '') {
        const whole = this.carry + text.slice(pos, eol);
        const wholeAscii = this.carryAscii && ascii;
        this.carry = '';
        if (whole.length > maxLine || (!wholeAscii && utf8Length(whole, false) > maxLine))
          this.fail('maxLineBytes', maxLine);
        this.line(whole, 0, whole.length, wholeAscii, -1);
      } else {
        if (
          eol - pos > maxLine ||
          (!ascii && eol - pos > maxLine / 3 && utf8Length(text.slice(pos, eol), false) > maxLine)
        )
          this.fail('maxLineBytes', maxLine);
        this.line(text, pos, eol, ascii, lineBytes);
      }
      if (eol === nextCR) {
        if (eol + 1 < len) {
          const crlf = text.charCodeAt(eol + 1) === LF;
          pos = crlf ? eol + 2 : eol + 1;
          if (bpos !== -2) bpos = crlf ? bEol + 2 : bEol + 1;
        } else {
          this.skipLF = true;
          pos = eol + 1;
        }
      } else {
        pos = eol + 1;
        if (bpos !== -2) bpos = bEol + 1;
      }
    }
    if (pos < len) this.addCarry(pos === 0 ? text : text.slice(pos), ascii);
    if (this.idPinned) {
      this.idPinned = false;
      const copy = ownCopy(this.idBuffer);
      if (this.lastId === this.idBuffer) this.lastId = copy;
      this.idBuffer = copy;
    }
  }

  end(): void {
    // Per spec, an unterminated line and an event without its blank line are discarded.
    this.carry = '';
    this.carryAscii = true;
    this.pendingLen = 0;
    this.decoder = null;
    this.busy = false;
    this.busyLen = 0;
    this.data = '';
    this.hasData = false;
    this.eventType = '';
    this.skipLF = false;
    this.started = false;
    this.idBuffer = this.lastId;
    this.idPinned = false;
  }
}

/** True when bytes hold a CR or LF (a JS loop for tiny chunks, native search otherwise). */
function hasLineEnd(buf: Buffer): boolean {
  const n = buf.length;
  if (n <= 16) {
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (c === LF || c === CR) return true;
    }
    return false;
  }
  return buf.indexOf(LF) !== -1 || buf.indexOf(CR) !== -1;
}

/**
 * A string that does not keep `s`'s parent alive. V8 makes slices of 13+ characters views into the
 * whole chunk's text; the last event id outlives its chunk (it is kept for the next reconnect), and
 * 10,000 idle subscribers would each pin a chunk, up to 16 KiB or more after a replay burst.
 * (Appending a character forces a flat copy; slicing it off again views only that copy.)
 */
function ownCopy(s: string): string {
  return `${s} `.slice(0, -1);
}

/** True when s[start..end) is exactly the field name `name` followed by ':' or the end of the line. */
function isField(s: string, start: number, end: number, name: string): boolean {
  const n = name.length;
  if (end - start < n || !s.startsWith(name, start)) return false;
  return start + n === end || s.charCodeAt(start + n) === COLON;
}

/** Start of a value: after the name, the colon and one optional space (end of line without a colon). */
function valueStart(s: string, afterName: number, end: number): number {
  if (afterName >= end) return end;
  let v = afterName + 1; // past the colon
  if (v < end && s.charCodeAt(v) === SPACE) v++;
  return v;
}
