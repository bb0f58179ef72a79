/**
 * One real EventSource's life, written to the history in the vocabulary of the modelled subscribers
 * (harness/client/subscriber.ts) with profile `chromium`, so the same checks judge both.
 *
 * Sources, per record (times are the browser's own CDP timestamps on the run clock, see time-base.ts):
 * - `connect`: Network.requestWillBeSent (the attempt starts, before any socket is found); its
 *   `lastEventId` is the Last-Event-ID header Chromium put on the wire (requestWillBeSentExtraInfo).
 * - `response`, `first-byte`, `close`: responseReceived, the first non-empty dataReceived,
 *   loadingFinished / loadingFailed.
 * - `event` / `reset`: eventSourceMessageReceived, i.e. what Chromium's own parser dispatched.
 * - `heartbeat`, `retry`: not observable through EventSource. Network.streamResourceContent (or, for
 *   a response that already ended, Network.getResponseBody) hands us the body bytes Chromium
 *   received, and our parser reads comment lines and `retry:` fields from them (`appliedMs` = `ms`:
 *   Chromium applies the value as sent; the measured waits show it).
 * - `give-up`: the page saw `error` with readyState CLOSED. `reconnect-wait`: measured, not
 *   predicted: written when the next attempt starts, at the close's time, with the real delay.
 *
 * An attempt's records are held back until its Last-Event-ID is known and its raw bytes are in (both
 * normally within a few ms), and attempts are written in order. Records keep the order CDP reported
 * them in (causal: request, response, data, messages, end); bytes that arrived before raw streaming
 * was on are parsed in the place of the chunk that carried them (so within one network chunk,
 * comment lines come before that chunk's events). An attempt that never reaches the wire (the 7th
 * EventSource to an HTTP/1.1 origin waits for a socket forever) is written after `releaseAfterMs`
 * with the id Chromium would send.
 *
 * CDP's timestamps come from different processes (network service, renderer) and are not strictly
 * ordered across event types: a loadingFinished can be stamped a fraction of a millisecond before
 * the responseReceived of the same request. Each subscriber's times are therefore made
 * non-decreasing in causal order; `TimeClamp` counts how often and by how much (see README.md).
 */
import { decodePayload } from '../../history/payload.ts';
import type { CloseReason, HistoryRecord, Millis } from '../../history/records.ts';
import type { History } from '../../history/store.ts';
import { createParser, type Parser, type ParserHandlers } from '../parser.ts';
import type { SubscriberCounters, SubscriberState } from '../subscriber.ts';
import { headerText, headerValue } from './cdp-events.ts';

/** EventSource.readyState values. */
export const CONNECTING = 0;
export const CLOSED = 2;

/** How many record times were raised to keep a subscriber's records in order, and the largest raise. */
export interface TimeClamp {
  count: number;
  maxMs: number;
}

/** What the tracker needs from its surroundings. */
export interface TrackerContext {
  history: History;
  counters: SubscriberCounters;
  /** How long an attempt's records wait for its Last-Event-ID and raw bytes. */
  releaseAfterMs: number;
  clamp: TimeClamp;
  /** The run nonce (history/payload.ts): payloads of other runs are recorded as foreign. */
  run?: string;
}

/**
 * Raw bytes of an attempt: `pending` (asked for, records held), `on`, `off` (none), or `late`: the
 * records could wait no longer (releaseAfterMs; a loaded machine answers CDP slowly), so they were
 * written without the bytes so far; when the bytes come, the parser catches up silently and turns
 * `on`, so the rest of the stream's heartbeats are seen.
 */
type RawState = 'pending' | 'on' | 'off' | 'late';

/** A body chunk whose bytes are not known yet (it arrived before raw streaming was on). */
interface Chunk {
  kind: 'chunk';
  t: Millis;
  /** Its length (a data-less dataReceived), or its bytes (streamed before the buffered part came). */
  len: number;
  bytes?: Uint8Array;
}

/** One connection attempt (one CDP request). */
class Attempt {
  /** Records (and chunk placeholders) in the order CDP reported them, until written. */
  held: Array<HistoryRecord | Chunk> = [];
  written = false;
  headersKnown = false;
  raw: RawState = 'pending';
  /** Streamed bytes that arrived while `late`, in order (fed after the buffered ones). */
  lateBytes: Uint8Array[] = [];
  status: number | undefined;
  contentType = '';
  stream = false;
  firstByte = false;
  closed = false;
  closeT: Millis = 0;
  closeReason: CloseReason | undefined;
  parser: Parser | null = null;
  timer: NodeJS.Timeout | null = null;

  constructor(
    readonly requestId: string,
    readonly t0: Millis,
    readonly connect: Extract<HistoryRecord, { kind: 'connect' }>,
  ) {}

  get ready(): boolean {
    return this.headersKnown && this.raw !== 'pending';
  }
}

export class ChromiumSubscriber implements ParserHandlers {
  private _state: SubscriberState = 'idle';
  private attempts = 0;
  /** Attempts not yet written, oldest first; the last one is `current`. */
  private unwritten: Attempt[] = [];
  private current: Attempt | null = null;
  /** Close time of the last attempt, while a reconnect is expected. */
  private waitingSince: Millis | undefined;
  /** The page said readyState CLOSED before CDP reported the close. */
  private closedForGood = false;
  private stopping = false;
  /** Last event id as Chromium tracks it (from the bytes it received, else its dispatched events). */
  private lastEventId = '';
  /** Time of the raw chunk being parsed. */
  private chunkT: Millis = 0;
  /** Where parsed records go while a held chunk is expanded in place. */
  private sink: HistoryRecord[] | null = null;
  /** The attempt whose bytes the parser is reading (its callbacks carry no attempt). */
  private parsing: Attempt | null = null;
  /** The last time written for this subscriber (times never go backwards). */
  private lastT = -Infinity;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((r) => (this.resolveDone = r));

  constructor(
    readonly sub: number,
    private readonly ctx: TrackerContext,
  ) {}

  get state(): SubscriberState {
    return this._state;
  }

  /** True while an attempt is in flight (its close not yet reported). */
  get inFlight(): boolean {
    return this.current !== null && !this.current.closed;
  }

  /** The subscriber joined (before its EventSource is created), in browser context `client`. */
  start(t: Millis, topics: string[], lane: 'edge' | 'edge-b', client?: string): void {
    this._state = 'connecting';
    this.write({
      kind: 'subscriber',
      t,
      sub: this.sub,
      profile: 'chromium',
      topics,
      lane,
      ...(client !== undefined ? { client } : {}),
    });
  }

  // --- CDP events, already matched to this subscriber ---

  onRequest(requestId: string, t: Millis): void {
    if (this._state === 'stopped' || this._state === 'gave-up') return;
    const prev = this.current;
    if (prev && !prev.closed) this.close(prev, t, 'error', 'superseded by a new attempt');
    if (this.waitingSince !== undefined) {
      const from = this.waitingSince;
      this.waitingSince = undefined;
      this.append({
        kind: 'reconnect-wait',
        t: from,
        sub: this.sub,
        delayMs: Math.max(0, t - from),
        profile: 'chromium',
      });
      this.ctx.counters.reconnects++;
    }
    this.attempts++;
    this.closedForGood = false;
    const connect = {
      kind: 'connect' as const,
      t,
      sub: this.sub,
      attempt: this.attempts,
      lastEventId: this.lastEventId,
    };
    const a = new Attempt(requestId, t, connect);
    a.held.push(connect);
    a.timer = setTimeout(() => this.force(a), this.ctx.releaseAfterMs);
    this.unwritten.push(a);
    this.current = a;
    this._state = 'connecting';
  }

  /** The request headers as sent (before or after onRequest; the page buffers the early case). */
  onRequestHeaders(requestId: string, headers: Record<string, string>): void {
    const a = this.attempt(requestId);
    if (!a || a.headersKnown) return;
    a.headersKnown = true;
    a.connect.lastEventId = headerText(headerValue(headers, 'last-event-id') ?? '');
    this.flush();
  }

  /** The body bytes received before raw streaming was on (null: no raw bytes for this attempt). */
  onRawBytes(requestId: string, buffered: Uint8Array | null): void {
    const a = this.attempt(requestId);
    if (a?.raw === 'late') return this.catchUp(a, buffered);
    if (!a || a.raw !== 'pending') return;
    a.raw = buffered === null ? 'off' : 'on';
    // Each early chunk is replaced by what its bytes hold (the buffered bytes are their concatenation).
    const out: Array<HistoryRecord | Chunk> = [];
    let offset = 0;
    // Buffered bytes no data-less chunk accounted for: they came after the last chunk seen and
    // before the first streamed one; they get the time of the record before them.
    let lastT = a.t0;
    const rest = (t: Millis): void => {
      if (buffered === null || offset >= buffered.length) return;
      out.push(...this.parseInto(a, t, buffered.subarray(offset)));
      offset = buffered.length;
    };
    for (const r of a.held) {
      if (r.kind !== 'chunk') out.push(r);
      else if (r.bytes === undefined) {
        if (buffered === null) continue;
        out.push(...this.parseInto(a, r.t, buffered.subarray(offset, offset + r.len)));
        offset += r.len;
      } else {
        rest(lastT);
        if (a.raw === 'on') out.push(...this.parseInto(a, r.t, r.bytes));
      }
      lastT = r.t;
    }
    rest(lastT);
    a.held = out;
    if (a.closed) this.endParser(a);
    this.flush();
  }

  onResponse(
    requestId: string,
    t: Millis,
    status: number,
    mimeType: string,
    headers: Record<string, string>,
  ): void {
    const a = this.attempt(requestId);
    if (!a || a.closed) return;
    a.status = status;
    a.contentType = headerValue(headers, 'content-type') ?? '';
    // Chromium's own reading: 200 and the MIME essence text/event-stream (it may still refuse the charset).
    a.stream = status === 200 && mimeType === 'text/event-stream';
    this.append(
      { kind: 'response', t, sub: this.sub, status, contentType: a.contentType, headersMs: t - a.t0 },
      a,
    );
    if (a.stream) {
      this._state = 'open';
      this.ctx.counters.connected++;
      a.parser = createParser(this, { lastEventId: a.connect.lastEventId });
    }
  }

  onData(requestId: string, t: Millis, dataLength: number, base64: string | undefined): void {
    const a = this.attempt(requestId);
    // Data reported after the close is still this attempt's (CDP does not order the two strictly).
    if (!a || !a.stream) return;
    if (dataLength > 0 && !a.firstByte) {
      a.firstByte = true;
      this.append({ kind: 'first-byte', t, sub: this.sub, ttfbMs: t - a.t0 }, a);
    }
    if (base64 === undefined) {
      if (a.raw === 'pending' && dataLength > 0) this.append({ kind: 'chunk', t, len: dataLength }, a);
      return;
    }
    const bytes = Buffer.from(base64, 'base64');
    if (a.raw === 'pending') this.append({ kind: 'chunk', t, len: bytes.length, bytes }, a);
    else if (a.raw === 'on') this.feed(a, t, bytes);
    else if (a.raw === 'late') a.lateBytes.push(bytes);
  }

  onMessage(requestId: string, t: Millis, type: string, id: string, data: string): void {
    const a = this.attempt(requestId);
    if (!a) return;
    if (a.raw !== 'on') this.lastEventId = id;
    if (type === 'reset') {
      this.append({ kind: 'reset', t, sub: this.sub, data }, a);
      return;
    }
    const rec: HistoryRecord = { kind: 'event', t, sub: this.sub, id, type, bytes: Buffer.byteLength(data) };
    const p = decodePayload(data);
    if (p && (this.ctx.run === undefined || p.run === this.ctx.run)) {
      rec.seq = p.seq;
      rec.topic = p.topic;
      rec.publishedAt = p.publishedAt;
    } else rec.payload = p ? 'foreign' : 'undecodable';
    this.append(rec, a);
    this.ctx.counters.events++;
  }

  onFinished(requestId: string, t: Millis): void {
    const a = this.attempt(requestId);
    if (a && !a.closed) this.close(a, t, ...this.verdict(a, undefined, false));
  }

  onFailed(requestId: string, t: Millis, errorText: string, canceled: boolean): void {
    const a = this.attempt(requestId);
    if (a && !a.closed) this.close(a, t, ...this.verdict(a, errorText, canceled));
  }

  // --- the page ---

  /** The page's `error` event and the readyState right after it. */
  onPageError(readyState: number): void {
    if (readyState !== CLOSED || this._state === 'stopped' || this._state === 'gave-up') return;
    const a = this.current;
    if (a && a.closed) this.giveUp(a.closeT, a);
    else this.closedForGood = true; // CDP's close is still on its way.
  }

  /** The page went away under the EventSource (renderer crash): nothing more is observable. */
  onPageGone(t: Millis, why: string): void {
    const a = this.current;
    if (a && !a.closed) this.close(a, t, 'error', why);
    this.waitingSince = undefined;
  }

  // --- stopping ---

  /** The harness is about to close the EventSource: a cancellation is ours, not a failure. */
  beginStop(): void {
    this.stopping = true;
  }

  /** Ends the subscriber: an attempt still in flight is closed as `aborted`, then `unsubscribe`. */
  finishStop(t: Millis): void {
    if (this._state === 'stopped') return;
    const a = this.current;
    if (a && !a.closed) this.close(a, t, 'aborted');
    for (const u of this.unwritten) this.force(u);
    if (this._state !== 'idle') this.write({ kind: 'unsubscribe', t, sub: this.sub });
    this._state = 'stopped';
    this.waitingSince = undefined;
    this.resolveDone();
  }

  // --- parser callbacks (raw bytes) ---

  onEvent(): void {
    // Events come from Chromium's own dispatch (onMessage); the raw parse only tracks ids.
  }

  onComment(): void {
    this.append({ kind: 'heartbeat', t: this.chunkT, sub: this.sub }, this.parsing);
    this.ctx.counters.heartbeats++;
  }

  onRetry(ms: number): void {
    this.append({ kind: 'retry', t: this.chunkT, sub: this.sub, ms, appliedMs: ms }, this.parsing);
  }

  // --- internals ---

  private attempt(requestId: string): Attempt | null {
    const c = this.current;
    if (c && c.requestId === requestId) return c;
    for (const a of this.unwritten) if (a.requestId === requestId) return a;
    return null;
  }

  private feed(a: Attempt, t: Millis, bytes: Uint8Array): void {
    const p = a.parser;
    if (!p || bytes.length === 0) return;
    this.chunkT = t;
    this.parsing = a;
    try {
      p.feed(bytes);
      this.lastEventId = p.lastEventId;
    } catch {
      // A line beyond our parser's limits: stop reading raw bytes (Chromium decides for itself).
      a.parser = null;
      a.raw = 'off';
    } finally {
      this.parsing = null;
    }
  }

  /** The records a held chunk's bytes produce (heartbeats, retries), to put in its place. */
  private parseInto(a: Attempt, t: Millis, bytes: Uint8Array): HistoryRecord[] {
    const out: HistoryRecord[] = [];
    this.sink = out;
    try {
      this.feed(a, t, bytes);
    } finally {
      this.sink = null;
    }
    return out;
  }

  private endParser(a: Attempt): void {
    if (!a.parser) return;
    this.parsing = a;
    a.parser.end();
    this.parsing = null;
    if (a.raw === 'on') this.lastEventId = a.parser.lastEventId;
    a.parser = null;
  }

  private verdict(
    a: Attempt,
    errorText: string | undefined,
    canceled: boolean,
  ): [CloseReason, string?, number?] {
    if (canceled && this.stopping) return ['aborted'];
    if (a.status !== undefined && a.status !== 200) return ['http-status', undefined, a.status];
    if (a.status === 200 && !a.stream) return ['content-type', a.contentType, 200];
    // EventSource cancels its own 200 text/event-stream request only when it rejects the response
    // (a charset other than UTF-8): a content-type failure, whatever net error the loader reports.
    if (canceled && a.status === 200) return ['content-type', `${a.contentType} (${errorText})`, 200];
    if (errorText !== undefined) return ['error', errorText];
    return ['eof'];
  }

  private close(a: Attempt, t: Millis, reason: CloseReason, detail?: string, status?: number): void {
    a.closed = true;
    a.closeT = t;
    a.closeReason = reason;
    // Bytes still on their way (streamResourceContent / getResponseBody) belong to this attempt.
    if (a.raw !== 'pending') this.endParser(a);
    if (a.stream) this.ctx.counters.connected--;
    this.append(
      {
        kind: 'close',
        t,
        sub: this.sub,
        reason,
        ...(detail !== undefined && { detail }),
        ...(status !== undefined && { status }),
      },
      a,
    );
    // A request that never got a response never went on the wire: no headers will follow.
    if (a.status === undefined) a.headersKnown = true;
    if (a.raw === 'pending' && !a.stream) a.raw = 'off';
    this.flush();
    if (reason === 'aborted') return;
    if (this.closedForGood) return this.giveUp(t, a);
    this._state = 'waiting';
    this.waitingSince = t;
  }

  private giveUp(t: Millis, a: Attempt): void {
    if (this._state === 'gave-up' || this._state === 'stopped') return;
    this._state = 'gave-up';
    this.waitingSince = undefined;
    this.ctx.counters.gaveUp++;
    const why =
      a.closeReason === 'http-status'
        ? `http ${a.status}`
        : a.closeReason === 'content-type'
          ? `content type ${JSON.stringify(a.contentType)} refused`
          : `a close (${a.closeReason})`;
    this.append(
      { kind: 'give-up', t, sub: this.sub, reason: `${why}: Chromium's EventSource is CLOSED for good` },
      a,
    );
    this.resolveDone();
  }

  /**
   * A record of attempt `a` (default: the latest): held while that attempt (or an earlier one) is
   * unwritten, else written now. Records parsed from a held chunk go to the chunk's place instead.
   */
  private append(r: HistoryRecord | Chunk, a: Attempt | null = this.current): void {
    if (r.kind !== 'chunk' && this.sink) this.sink.push(r);
    else if (a && !a.written) a.held.push(r);
    else if (r.kind !== 'chunk') this.write(r);
  }

  /** Into the history, never earlier than this subscriber's previous record. */
  private write(r: HistoryRecord): void {
    if (r.t < this.lastT) {
      const c = this.ctx.clamp;
      c.count++;
      c.maxMs = Math.max(c.maxMs, this.lastT - r.t);
      r.t = this.lastT;
    } else this.lastT = r.t;
    this.ctx.history.append(r);
  }

  /** Gives up waiting for an attempt's headers and raw bytes (its timer, or the end). */
  private force(a: Attempt): void {
    a.headersKnown = true;
    if (a.raw === 'pending') {
      // The bytes may still come: keep what was streamed so far to feed them in order then.
      a.raw = a.closed || this.stopping ? 'off' : 'late';
      if (a.raw === 'late')
        for (const r of a.held) if (r.kind === 'chunk' && r.bytes !== undefined) a.lateBytes.push(r.bytes);
    }
    this.flush();
  }

  /** Late raw bytes: the parser reads what it missed without writing records for it, then goes on. */
  private catchUp(a: Attempt, buffered: Uint8Array | null): void {
    const missed = a.lateBytes;
    a.lateBytes = [];
    if (buffered === null || a.closed) {
      a.raw = 'off';
      return;
    }
    a.raw = 'on';
    for (const bytes of [buffered, ...missed]) this.parseInto(a, this.lastT, bytes);
  }

  /** Writes every ready attempt from the oldest on, stopping at the first that is not ready. */
  private flush(): void {
    while (this.unwritten.length > 0 && this.unwritten[0]!.ready) {
      const a = this.unwritten.shift()!;
      a.written = true;
      if (a.timer) clearTimeout(a.timer);
      a.timer = null;
      if (a.closed) this.endParser(a);
      const held = a.held;
      a.held = [];
      for (const r of held) if (r.kind !== 'chunk') this.write(r);
    }
  }
}
