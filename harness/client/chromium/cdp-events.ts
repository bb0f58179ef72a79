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
 * A header value as the text it encodes. CDP shows each byte of a header as one character (Latin-1);
 * Chromium sends Last-Event-ID as UTF-8, so `é` arrives as `Ã©`. Bytes that are not valid UTF-8
 * are returned as they came.
 */
export function headerText(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}
