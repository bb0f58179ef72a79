/**
 * A streaming `text/event-stream` parser, exactly per the WHATWG HTML "event stream interpretation"
 * rules, for any chunking of the bytes. No I/O: bytes in, callbacks out.
 *
 * How it is fast (measured against eventsource-parser by bench/parser-bench.ts): it decodes only what
 * must become a string, once. Every separator the format knows (CR, LF, `:`, space) is ASCII, so a
 * chunk is scanned through a Latin-1 view of its bytes (one native copy; character i is byte i) with
 * V8's string `indexOf`, and field names are compared there. In an ASCII chunk (nearly all of them)
 * the view is the text: values are slices sharing its memory, and an unterminated line is carried
 * as a slice too. In any other chunk, values are decoded from their bytes with the fastest UTF-8
 * decoder for their size, and the `data` lines of an event are gathered as bytes, LF-joined
 * (compacted in place within a chunk, in a work buffer shared by all parsers; kept across chunks),
 * and decoded once when the event is dispatched: one flat string per event, not one decode per line
 * and a chain of concatenations its reader would have to flatten. Values end at ASCII bytes, so
 * decoding them one by one gives exactly what decoding the whole stream would, U+FFFD replacement
 * included. A chunk without a line end is only appended to
 * the carried bytes (byte-by-byte feeding costs one decode per line, not per byte).
 *
 * Limits on line and event size throw a {@link ParserLimitError}: a hostile or broken stream can never
 * make the harness hold unbounded memory.
 */
import { Buffer, isAscii } from 'node:buffer';
import {
  asBuffer,
  decodeUtf8,
  grow,
  hasLineEnd,
  LF,
  releaseShared,
  takeShared,
  type SliceBuffer,
} from './parser-bytes.ts';

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

const COLON = 0x3a;
const SPACE = 0x20;
/** Data bytes of an unfinished event kept across chunks before they are decoded anyway. */
const PEND_MAX_BYTES = 64 * 1024;
/** A pending-bytes buffer larger than this is dropped once its event is out (idle subscribers). */
const PEND_KEEP_BYTES = 16 * 1024;

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
  private idPinned = false; // idBuffer is a view into the current chunk's text (see ownCopy)
  private eventType = '';

  // The data buffer of the event being built, in order: lines as a string (`data`, without the LF
  // the spec appends and removes again; ASCII lines are slices), then lines kept as bytes from
  // earlier chunks (`pend`), then this chunk's lines as bytes, compacted and LF-joined in
  // src[rangeStart..rangeEnd). Bytes are decoded once, when the event is dispatched. Once a line
  // went to bytes, every later line of the event does too (the order is the data's).
  private data: string | null = null;
  private dataBytes = 0; // UTF-8 length of `data`
  private pend: SliceBuffer | null = null;
  private pendLen = 0;
  private pendLines = 0; // data lines in pend (0: none)
  private rangeLines = 0; // data lines in the byte range (0: none)
  private rangeStart = 0;
  private rangeEnd = 0;

  // An unterminated line carried to the next chunk: text from ASCII chunks (a slice: no copy), then
  // bytes (from a chunk that is not ASCII or has no line end; the text moves there first).
  private carryText = '';
  private carry: SliceBuffer | null = null;
  private carryLen = 0;
  private carryAscii = true;
  private skipLF = false; // the last chunk ended in CR: a leading LF belongs to that line end
  private started = false; // past the stream's first line (a leading BOM is stripped once)
  private failed: ParserLimitError | null = null;

  // Only during feed(): whether the chunk or the carried line may hold a NUL; the bytes values are
  // decoded from (the chunk, or its copy in the work buffer once data lines were compacted), and
  // that work buffer while it is held.
  private hasNul = true;
  private src: SliceBuffer | null = null;
  private work: SliceBuffer | null = null;
  private ownWork: SliceBuffer | null = null; // used when the shared work buffer is taken

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

  /** Appends one data value (already a string) of `bytes` UTF-8 bytes to the data buffer. */
  private addData(value: string, bytes: number): void {
    if (this.data === null) {
      this.data = value;
      this.dataBytes = bytes;
    } else {
      this.data = `${this.data}\n${value}`;
      this.dataBytes += bytes + 1;
    }
    if (this.dataBytes > this.maxEvent) this.fail('maxEventBytes', this.maxEvent);
  }

  /** Decodes buf[start..end), data lines, into the data buffer. */
  private decodeData(buf: SliceBuffer, start: number, end: number): void {
    const value = decodeUtf8(buf, start, end);
    let bytes = end - start;
    // Bad bytes became U+FFFD (3 bytes in UTF-8): then the byte count is not the text's UTF-8 length.
    if (value.indexOf('\uFFFD') !== -1) bytes = Buffer.byteLength(value, 'utf8');
    this.addData(value, bytes);
  }

  /** Appends the data value buf[start..end) to the pending bytes (LF first unless it is the first). */
  private appendPend(buf: SliceBuffer, start: number, end: number): void {
    const len = this.pendLen;
    const sep = this.pendLines > 0 ? 1 : 0;
    const need = len + sep + end - start;
    if (need + this.dataBytes > this.maxEvent) this.fail('maxEventBytes', this.maxEvent);
    const p = (this.pend = grow(this.pend, len, need));
    if (sep === 1) p[len] = LF;
    if (end > start) p.set(new Uint8Array(buf.buffer, buf.byteOffset + start, end - start), len + sep);
    this.pendLen = need;
    this.pendLines++;
  }

  /** Moves the range of data lines into the pending bytes (the chunk is not ours to keep). */
  private rangeToPend(): void {
    this.appendPend(this.src!, this.rangeStart, this.rangeEnd);
    this.pendLines += this.rangeLines - 1;
    this.rangeLines = 0;
  }

  /** Decodes every data line held as bytes into the data buffer. */
  private flushBytes(): void {
    if (this.pendLines > 0) {
      if (this.rangeLines > 0) this.rangeToPend();
      this.decodeData(this.pend!, 0, this.pendLen);
      this.pendLines = 0;
      this.pendLen = 0;
      if (this.pend!.length > PEND_KEEP_BYTES) this.pend = null; // hold little between events
    } else if (this.rangeLines > 0) {
      this.decodeData(this.src!, this.rangeStart, this.rangeEnd);
      this.rangeLines = 0;
    }
  }

  private dispatch(): void {
    this.lastId = this.idBuffer;
    if (this.pendLines > 0 || this.rangeLines > 0) this.flushBytes();
    const data = this.data;
    if (data === null) {
      this.eventType = '';
      return;
    }
    const type = this.eventType === '' ? 'message' : this.eventType;
    const bytes = this.dataBytes;
    this.data = null;
    this.eventType = '';
    this.handlers.onEvent({ type, data, lastEventId: this.lastId, bytes });
  }

  /**
   * One non-empty line, text[start..end) = bytes src[start..end). `ascii`: the bytes are ASCII, so
   * the text is the value; else values are decoded from the bytes. `range`: data lines may gather
   * in the byte range (false for a line assembled in the carry buffer, which is reused).
   */
  private line(t: string, start: number, end: number, ascii: boolean, range: boolean): void {
    // The field name runs to the first colon (or the end of the line). Kept small: V8 inlines it.
    const c0 = t.charCodeAt(start);
    if (c0 === 0x64 /* d */) {
      if (isName(t, start, end, 'data')) {
        const v = valueStart(t, start + 4, end);
        if (ascii && this.pendLines === 0) this.addData(v === end ? '' : t.slice(v, end), end - v);
        else this.bytesData(v, end, ascii, range);
      }
    } else if (c0 === COLON) {
      const h = this.handlers;
      if (h.onComment) h.onComment(ascii ? t.slice(start + 1, end) : decodeUtf8(this.src!, start + 1, end));
    } else if (c0 === 0x69 /* i */) {
      if (isName(t, start, end, 'id')) {
        const v = valueStart(t, start + 2, end);
        this.setId(v === end ? '' : ascii ? t.slice(v, end) : decodeUtf8(this.src!, v, end), ascii);
      }
    } else if (c0 === 0x65 /* e */) {
      if (isName(t, start, end, 'event')) {
        const v = valueStart(t, start + 5, end);
        this.eventType = v === end ? '' : ascii ? t.slice(v, end) : decodeUtf8(this.src!, v, end);
      }
    } else if (c0 === 0x72 /* r */ && isName(t, start, end, 'retry')) this.retry(t, start + 5, end);
    // Any other field is ignored.
  }

  private setId(id: string, ascii: boolean): void {
    // Ids with U+0000 are ignored. (`hasNul`: the chunk holds one at all, searched once per chunk.)
    if (this.hasNul && id.includes('\u0000')) return;
    this.idBuffer = id;
    this.idPinned = ascii && id.length >= 13; // copied once at the end of feed(), not per event
  }

  /** A `retry` field; t[afterName..end) is the colon and value. */
  private retry(t: string, afterName: number, end: number): void {
    const v = valueStart(t, afterName, end);
    if (v === end) return;
    let ms = 0;
    for (let i = v; i < end; i++) {
      const c = t.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) return; // only ASCII digits
      ms = ms * 10 + c;
    }
    // Beyond 15 digits the running product loses precision; let Number round it once.
    if (end - v > 15) ms = Number(t.slice(v, end));
    if (this.handlers.onRetry) this.handlers.onRetry(ms);
  }

  /** A data value src[v..end) kept as bytes (see `data`), in the range or the pending bytes. */
  private bytesData(v: number, end: number, ascii: boolean, range: boolean): void {
    // An ASCII chunk never holds a range (it moves to pend at the end of its chunk), so only chunks
    // that are not ASCII compact lines in the shared work buffer.
    if (ascii || !range) {
      this.appendPend(this.src!, v, end);
      return;
    }
    if (this.rangeLines === 0) {
      this.rangeStart = v;
      this.rangeEnd = end;
      this.rangeLines = 1;
    } else this.compact(v, end);
    if (this.rangeEnd - this.rangeStart + this.pendLen + this.dataBytes > this.maxEvent)
      this.fail('maxEventBytes', this.maxEvent);
  }

  /**
   * Appends the data value src[v..end) to the byte range: LF, then the value moved left to right
   * after the range (only bytes of lines already parsed are overwritten). The chunk is the caller's,
   * so the first move copies it into the work buffer, at the same offsets.
   */
  private compact(v: number, end: number): void {
    let w = this.work;
    if (w === null) {
      const src = this.src!;
      w = takeShared(src.length) ?? (this.ownWork = grow(this.ownWork, 0, src.length));
      w.set(src, 0);
      this.work = this.src = w;
    }
    const at = this.rangeEnd;
    w[at] = LF;
    if (end > v) w.copyWithin(at + 1, v, end);
    this.rangeEnd = at + 1 + end - v;
    this.rangeLines++;
  }

  /**
   * Appends buf[start..end) to the unterminated line. `ascii`: those bytes are known to be ASCII
   * (false: unknown, checked here).
   */
  private appendCarry(buf: SliceBuffer, start: number, end: number, ascii: boolean): void {
    if (this.carryText !== '') this.textToBytes();
    const m = end - start;
    const len = this.carryLen;
    if (len + m > this.maxLine) this.fail('maxLineBytes', this.maxLine);
    const c = (this.carry = grow(this.carry, len, len + m));
    if (m === 1) {
      const b = buf[start]!;
      c[len] = b;
      if (b >= 0x80) this.carryAscii = false;
    } else {
      // A plain view (no Buffer species lookup) to copy from.
      const part = new Uint8Array(buf.buffer, buf.byteOffset + start, m);
      c.set(part, len);
      if (!ascii && this.carryAscii && !isAscii(part)) this.carryAscii = false;
    }
    this.carryLen = len + m;
  }

  /** Moves the carried text (ASCII, so one byte per character) into the carried bytes (empty). */
  private textToBytes(): void {
    const text = this.carryText;
    this.carryText = '';
    const c = (this.carry = grow(this.carry, 0, text.length));
    c.latin1Write(text, 0);
    this.carryLen = text.length;
    this.carryAscii = true;
  }

  /** The unterminated rest of a chunk, text[pos..) = buf[pos..), carried to the next one. */
  private keep(t: string, buf: SliceBuffer, pos: number, ascii: boolean): void {
    if (ascii && this.carryLen === 0) {
      const rest = t.slice(pos);
      if (rest.length > this.maxLine) this.fail('maxLineBytes', this.maxLine);
      this.carryText = rest;
    } else this.appendCarry(buf, pos, buf.length, ascii);
  }

  feed(input: Uint8Array): void {
    if (this.failed) throw this.failed;
    const buf = asBuffer(input);
    const len = buf.length;
    let pos = 0;
    if (this.skipLF && len > 0) {
      // The previous chunk ended in CR: an LF right after it belongs to that line end.
      this.skipLF = false;
      if (buf[0] === LF) pos = 1;
    }
    if (pos >= len) return;
    // No line end: the bytes only join the unterminated line (a short chunk is probed in JS; a
    // longer one through the view it needs anyway, nearly always having one).
    const short = len - pos <= 32;
    if (short && !hasLineEnd(buf, pos)) {
      this.appendCarry(buf, pos, len, false);
      return;
    }
    const t = buf.latin1Slice(0, len);
    if (!short && t.indexOf('\n', pos) === -1 && t.indexOf('\r', pos) === -1) {
      this.appendCarry(buf, pos, len, false);
      return;
    }
    // ASCII iff no character of the Latin-1 view needs two UTF-8 bytes (V8 counts one-byte strings fast).
    const ascii = Buffer.byteLength(t, 'utf8') === len;
    this.src = buf;
    this.hasNul = this.carryLen > 0 || this.carryText !== '' || t.indexOf('\u0000') !== -1;
    if (ascii) this.parse(t, buf, pos, true);
    else {
      // Only a chunk that is not ASCII compacts data lines in the shared work buffer: give it back
      // whatever happens (a handler may throw).
      try {
        this.parse(t, buf, pos, false);
      } finally {
        const w = this.work;
        if (w !== null) {
          releaseShared(w);
          this.work = null;
        }
      }
    }
    this.src = null;
    if (this.idPinned) {
      this.idPinned = false;
      const copy = ownCopy(this.idBuffer);
      if (this.lastId === this.idBuffer) this.lastId = copy;
      this.idBuffer = copy;
    }
  }

  private parse(t: string, buf: SliceBuffer, pos: number, ascii: boolean): void {
    if (this.carryLen > 0 || this.carryText !== '' || !this.started) pos = this.firstLine(t, buf, pos, ascii);
    pos = this.lines(t, pos, t.length, ascii);
    if (this.rangeLines > 0) {
      // The chunk is not ours to keep: its data lines move to the pending bytes, decoded with the
      // rest of the event; past PEND_MAX_BYTES they are decoded now, so a huge event stays linear.
      this.rangeToPend();
      if (this.pendLen > PEND_MAX_BYTES) this.flushBytes();
    }
    if (pos < t.length) this.keep(t, buf, pos, ascii);
  }

  /**
   * The stream's first line (a leading BOM is stripped), or the line carried from earlier chunks,
   * completed with this chunk's bytes up to its line end. Returns where the main loop goes on.
   */
  private firstLine(t: string, buf: SliceBuffer, pos: number, ascii: boolean): number {
    if (this.carryLen === 0 && this.carryText === '') {
      // The stream's first line, all in this chunk: the main loop reads it, after a BOM if any.
      this.started = true;
      return buf.length - pos >= 3 && buf[pos] === 0xef && buf[pos + 1] === 0xbb && buf[pos + 2] === 0xbf
        ? pos + 3
        : pos;
    }
    let lf = t.indexOf('\n', pos);
    if (lf === -1) lf = t.length;
    let cr = t.indexOf('\r', pos);
    if (cr === -1) cr = t.length;
    const eol = cr < lf ? cr : lf; // there is one: feed() checked
    let next = eol + 1;
    if (eol === cr) {
      if (next === t.length) this.skipLF = true;
      else if (t.charCodeAt(next) === LF) next++;
    }
    if (ascii && this.carryLen === 0) {
      // Text carried from an ASCII chunk, completed by this ASCII chunk.
      const whole = this.carryText + t.slice(pos, eol);
      this.carryText = '';
      if (whole.length > this.maxLine) this.fail('maxLineBytes', this.maxLine);
      this.line(whole, 0, whole.length, true, false);
      return next;
    }
    if (eol > pos) this.appendCarry(buf, pos, eol, ascii);
    else if (this.carryText !== '') this.textToBytes();
    const c = this.carry!;
    const n = this.carryLen;
    const lineAscii = this.carryAscii;
    this.carryLen = 0;
    this.carryAscii = true;
    let start = 0;
    if (!this.started) {
      this.started = true;
      // The stream's one leading BOM. (The first line is complete here, and a line end is ASCII.)
      if (n >= 3 && c[0] === 0xef && c[1] === 0xbb && c[2] === 0xbf) start = 3;
    }
    if (start === n) this.dispatch();
    else {
      const src = this.src;
      this.src = c;
      this.line(c.latin1Slice(0, n), start, n, lineAscii, false);
      this.src = src;
    }
    return next;
  }

  /** Parses the complete lines of text[pos..n); returns where the unterminated rest starts. */
  private lines(t: string, pos: number, n: number, ascii: boolean): number {
    const maxLine = this.maxLine;
    let nextCR = -2; // cached position of the next CR (n: none left)
    while (pos < n) {
      if (t.charCodeAt(pos) === LF) {
        // A blank line (after every event and heartbeat): dispatch without the general path.
        this.dispatch();
        pos++;
        continue;
      }
      let eol = t.indexOf('\n', pos);
      if (eol === -1) eol = n;
      // CR is rare: its position is searched once and cached instead of once per line.
      if (nextCR < pos) {
        nextCR = t.indexOf('\r', pos);
        if (nextCR === -1) nextCR = n;
      }
      if (nextCR < eol) eol = nextCR;
      if (eol === n) break;
      if (eol === pos) this.dispatch();
      else {
        if (eol - pos > maxLine) this.fail('maxLineBytes', maxLine);
        this.line(t, pos, eol, ascii, true);
      }
      if (eol === nextCR) {
        if (eol + 1 < n) pos = t.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
        else {
          this.skipLF = true;
          return n;
        }
      } else pos = eol + 1;
    }
    return pos;
  }

  end(): void {
    // Per spec, an unterminated line and an event without its blank line are discarded.
    this.carryLen = 0;
    this.carryAscii = true;
    this.carryText = '';
    this.carry = null;
    this.ownWork = null;
    this.rangeLines = 0;
    this.pend = null;
    this.pendLen = 0;
    this.pendLines = 0;
    this.data = null;
    this.dataBytes = 0;
    this.eventType = '';
    this.skipLF = false;
    this.started = false;
    this.idBuffer = this.lastId;
    this.idPinned = false;
  }
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

/**
 * True when s[start..end) is the field name `name` followed by ':' or the end of the line. (A loop
 * over the name's characters: cheaper than startsWith for these few-character names.)
 */
function isName(s: string, start: number, end: number, name: string): boolean {
  const n = name.length;
  if (end - start < n) return false;
  for (let i = 1; i < n; i++) if (s.charCodeAt(start + i) !== name.charCodeAt(i)) return false;
  return start + n === end || s.charCodeAt(start + n) === COLON;
}

/** Start of a value: after the name, the colon and one optional space (end of line without a colon). */
function valueStart(s: string, afterName: number, end: number): number {
  if (afterName >= end) return end;
  let v = afterName + 1; // past the colon
  if (v < end && s.charCodeAt(v) === SPACE) v++;
  return v;
}
