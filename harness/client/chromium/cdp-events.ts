/**
 * The fields of the Chrome DevTools Protocol's Network events that the chromium client reads
 * (a structural subset of playwright-core's Protocol types, which are not exported by path). Kept
 * here so the mapping from events to history records is plain code over plain data.
 */

/** A request is about to be sent (for an EventSource: each connection attempt, before any socket). */
export interface RequestWillBeSent {
  requestId: string;
  /** MonotonicTime, seconds. */
  timestamp: number;
  /** Resource type; `EventSource` for ours. */
  type?: string;
  request: { url: string; urlFragment?: string };
  /** Present when this event continues a redirect of the same request. */
  redirectResponse?: unknown;
}

/** The headers as they went on the wire (Last-Event-ID appears only here). No timestamp. */
export interface RequestWillBeSentExtraInfo {
  requestId: string;
  headers: Record<string, string>;
}

export interface ResponseReceived {
  requestId: string;
  timestamp: number;
  response: { status: number; mimeType: string; headers: Record<string, string> };
}

/** Body bytes arrived; `data` (base64) only once Network.streamResourceContent is on for the request. */
export interface DataReceived {
  requestId: string;
  timestamp: number;
  /** Decoded body bytes in this chunk. */
  dataLength: number;
  data?: string;
}

/** The browser's own EventSource parser dispatched a message (any event type, listener or not). */
export interface EventSourceMessageReceived {
  requestId: string;
  timestamp: number;
  eventName: string;
  eventId: string;
  data: string;
}

export interface LoadingFinished {
  requestId: string;
  timestamp: number;
}

export interface LoadingFailed {
  requestId: string;
  timestamp: number;
  errorText: string;
  canceled?: boolean;
}

/** Header lookup by name, case-insensitively (CDP keeps the spelling of the wire). */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === want) return v;
  return undefined;
}

/**
 * The windows-1252 characters of bytes 0x80-0x9F that differ from Latin-1 (WHATWG encoding table),
 * as character -> byte. (Node's TextDecoder decodes 'windows-1252' as Latin-1, so it cannot build this.)
 */
const CP1252_C1: ReadonlyMap<string, number> = new Map(
  (
    [
      [0x80, 0x20ac],
      [0x82, 0x201a],
      [0x83, 0x0192],
      [0x84, 0x201e],
      [0x85, 0x2026],
      [0x86, 0x2020],
      [0x87, 0x2021],
      [0x88, 0x02c6],
      [0x89, 0x2030],
      [0x8a, 0x0160],
      [0x8b, 0x2039],
      [0x8c, 0x0152],
      [0x8e, 0x017d],
      [0x91, 0x2018],
      [0x92, 0x2019],
      [0x93, 0x201c],
      [0x94, 0x201d],
      [0x95, 0x2022],
      [0x96, 0x2013],
      [0x97, 0x2014],
      [0x98, 0x02dc],
      [0x99, 0x2122],
      [0x9a, 0x0161],
      [0x9b, 0x203a],
      [0x9c, 0x0153],
      [0x9e, 0x017e],
      [0x9f, 0x0178],
    ] as const
  ).map(([byte, code]) => [String.fromCharCode(code), byte]),
);

/**
 * A header value as the text it encodes. CDP shows each byte of a header as one windows-1252
 * character; Chromium sends Last-Event-ID as UTF-8, so `é✓` arrives as `Ã©âœ“`. Values that are not
 * such a byte string, or whose bytes are not valid UTF-8, are returned as they came.
 */
export function headerText(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  const bytes: number[] = [];
  for (const ch of value) {
    const b = CP1252_C1.get(ch) ?? (ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : undefined);
    if (b === undefined) return value;
    bytes.push(b);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return value;
  }
}
