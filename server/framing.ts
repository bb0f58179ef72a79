/**
 * text/event-stream framing. Pure functions: everything written to a stream goes through here, so
 * injection safety is decided in one place.
 *
 * - data is opaque text: every line (split on CRLF, CR or LF, as the parser splits) becomes its own
 *   `data:` line, so no data can start a new field or end the event early. The client rebuilds it
 *   with LF between lines (CRLF and lone CR therefore arrive as LF: that is the format, not a loss
 *   we can avoid).
 * - id and event name cannot be split that way, so CR/LF in them is rejected at publish time
 *   (see `hasLineBreak`); the framing functions assert it again as a last line of defence.
 */
import type { StoredEvent } from './event-log.ts';

const LINE_BREAK = /\r\n|\r|\n/;

export function hasLineBreak(value: string): boolean {
  return value.includes('\n') || value.includes('\r');
}

function assertSingleLine(field: string, value: string): void {
  if (hasLineBreak(value)) {
    throw new Error(`SSE field "${field}" must not contain CR or LF (got ${JSON.stringify(value)})`);
  }
}

/** One event record. `event` is omitted for the default type ("message"). */
export function frameEvent(e: { id?: string; event?: string; data: string }): string {
  let out = '';
  if (e.id !== undefined) {
    assertSingleLine('id', e.id);
    out += `id: ${e.id}\n`;
  }
  if (e.event !== undefined && e.event !== 'message') {
    assertSingleLine('event', e.event);
    out += `event: ${e.event}\n`;
  }
  for (const line of e.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A reconnection-time hint. Sent alone with a blank line so it never joins an event. */
export function frameRetry(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new RangeError(`retry must be a non-negative integer, got ${ms}`);
  return `retry: ${ms}\n\n`;
}

/**
 * An id-only block: sets the client's last event id (WHATWG: the id buffer is copied on every blank
 * line) and dispatches nothing, since the data buffer is empty. Tells a client where it stands
 * before it has received any event.
 */
export function frameIdOnly(id: string): string {
  assertSingleLine('id', id);
  return `id: ${id}\n\n`;
}

/** A comment line: keeps proxies' idle timers alive without touching the client's last event id. */
export function frameComment(text: string): string {
  assertSingleLine('comment', text);
  return `: ${text}\n`;
}

const encoded = new WeakMap<StoredEvent, Buffer>();

/**
 * The framed bytes of a stored event, encoded once and shared by every subscriber (fan-out would
 * otherwise re-encode the same string per client).
 */
export function encodedFrame(ev: StoredEvent): Buffer {
  let buf = encoded.get(ev);
  if (!buf) {
    buf = Buffer.from(frameEvent(ev), 'utf8');
    encoded.set(ev, buf);
  }
  return buf;
}
