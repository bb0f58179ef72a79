/**
 * Byte-level helpers of the event-stream parser: Buffer views, the UTF-8 decoders it picks between,
 * a line-end probe and the work buffer it compacts data lines in.
 *
 * Decoder choice (measured on Node 20, 2 cores; bench/parser-bench.ts): for a short value V8's own
 * UTF-8 decoder (`utf8Slice`) costs least because it needs no view object; from a few hundred bytes
 * on ICU (what a streaming TextDecoder runs) is ~1.8x faster than V8's decoder on mostly-ASCII text.
 * Both replace bad bytes exactly as the WHATWG decoder does, and every value handed to them ends at
 * an ASCII byte, so decoding value by value gives what decoding the whole stream would.
 */
import { Buffer } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** Node's long-stable Buffer slicing decoders (lib/buffer.js), missing from the typings. */
export type SliceBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  latin1Write(text: string, offset: number): number;
};

/** A Buffer view of the caller's bytes (no copy) so the native slicing decoders apply. */
export function asBuffer(bytes: Uint8Array): SliceBuffer {
  return (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  ) as SliceBuffer;
}

export const LF = 0x0a;
export const CR = 0x0d;

/** Values this long or longer go to ICU; shorter ones to V8's decoder (no view allocation). */
const ICU_FROM_BYTES = 256;

/**
 * One ICU converter for every parser. A TextDecoder used once with `stream: true` stays on ICU for
 * good (Node 20 keeps its V8 fast path only for decoders never used in streaming mode); every later
 * call without `stream` decodes one complete value and flushes, so no state leaks between calls.
 * `ignoreBOM`: a U+FEFF inside a value is content (the stream's one leading BOM is the parser's).
 */
const icu = new TextDecoder('utf-8', { ignoreBOM: true });
icu.decode(new Uint8Array(0), { stream: true });

/** UTF-8 text of buf[start..end), a complete value (it ends at an ASCII byte). */
export function decodeUtf8(buf: SliceBuffer, start: number, end: number): string {
  return end - start < ICU_FROM_BYTES ? buf.utf8Slice(start, end) : icu.decode(buf.subarray(start, end));
}

/** True when buf[start..] holds a CR or LF (a JS loop: for short chunks). */
export function hasLineEnd(buf: Buffer, start: number): boolean {
  for (let i = start; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === LF || c === CR) return true;
  }
  return false;
}

/**
 * A Buffer of at least `need` bytes holding old[0..keep): `old` when it fits, else a larger one
 * (a power of two, at least 256 bytes).
 */
export function grow(old: SliceBuffer | null, keep: number, need: number): SliceBuffer {
  if (old !== null && old.length >= need) return old;
  let size = Math.max(256, old === null ? 0 : old.length * 2);
  while (size < need) size *= 2;
  const next = Buffer.allocUnsafe(size) as SliceBuffer;
  if (old !== null && keep > 0) old.copy(next, 0, 0, keep);
  return next;
}

/**
 * The work buffer a parser copies a non-ASCII chunk into to compact its data lines in place. One per
 * process, not one per subscriber: at 10,000 subscribers a private 16 KiB buffer each would be
 * 160 MiB. `feed` is synchronous, so only a handler that feeds another
 * parser from inside a callback can find it taken; that parser then uses a buffer of its own.
 */
const SHARED_BYTES = 64 * 1024;
let shared: SliceBuffer = Buffer.allocUnsafeSlow(SHARED_BYTES) as SliceBuffer;
let sharedTaken = false;

/**
 * Takes the shared work buffer sized for `need` bytes (contents undefined), or returns null while
 * another feed holds it. After one huge event it shrinks back instead of keeping megabytes.
 */
export function takeShared(need: number): SliceBuffer | null {
  if (sharedTaken) return null;
  sharedTaken = true;
  if (shared.length < need || (shared.length > 16 * SHARED_BYTES && need <= SHARED_BYTES))
    shared = grow(null, 0, Math.max(need, SHARED_BYTES));
  return shared;
}

export function releaseShared(buf: SliceBuffer): void {
  if (buf === shared) sharedTaken = false;
}
