/**
 * A reconnecting SSE subscriber that behaves like a real client profile and writes every observation
 * to the history.
 *
 * - `browser`: as EventSource in Chrome: a fixed reconnection time (3000 ms, or the server's
 *   `retry:`), no backoff; any non-200 status or a wrong content type (a charset other than UTF-8
 *   included) stops it for good; after a redirect it reconnects to the redirect's target.
 * - `backoff`: capped exponential backoff with full jitter, reset after a healthy connection; it keeps
 *   retrying after errors and bad statuses.
 * Both stop for good on 204 (the spec's "do not reconnect" signal), both carry the last event id
 * across reconnects, and both treat silence beyond the watchdog limit as a dead stream (`stalled`).
 */
import type { Dispatcher } from 'undici';
import { decodePayload } from '../history/payload.ts';
import type { ClientProfileName, Millis } from '../history/records.ts';
import type { HistorySink } from '../history/sink.ts';
import type { RunClock } from '../history/clock.ts';
import {
  openConnection,
  type Connection,
  type ConnectionEnd,
  type ConnectionEvents,
  type ResponseInfo,
} from './connection.ts';
import { createParser, type Parser, type ParserHandlers } from './parser.ts';
import {
  backoffDelay,
  BROWSER_DEFAULT_RETRY_MS,
  clampRetry,
  DEFAULT_BACKOFF,
  DEFAULT_RETRY_CLAMP,
  validateBackoff,
  type BackoffPolicy,
  type RetryClamp,
} from './reconnect-policy.ts';
import { seededRandom, type Random } from './random.ts';
import { sharedWatchdog, type Watchdog, type WatchEntry } from './watchdog.ts';

/** Live totals shared by a fleet (plain numbers: cheap to bump, read any time). */
export interface SubscriberCounters {
  connected: number;
  events: number;
  heartbeats: number;
  reconnects: number;
  gaveUp: number;
}

export const newCounters = (): SubscriberCounters => ({
  connected: 0,
  events: 0,
  heartbeats: 0,
  reconnects: 0,
  gaveUp: 0,
});

export interface SubscriberOptions {
  sub: number;
  /** The stream URL; `topics` are added as `?topics=a,b` (the reference server's convention). */
  url: string;
  profile: ClientProfileName;
  topics?: string[];
  lane?: 'edge' | 'edge-b';
  history: HistorySink;
  clock: RunClock;
  /** An undici dispatcher for the requests; default: the socket path for `http:` (connection.ts). */
  dispatcher?: Dispatcher;
  /** Jitter source; inject a seeded one for reproducible delays. Default Math.random. */
  random?: Random;
  /** The id to resume from on the first connect. */
  lastEventId?: string;
  /** Browser profile: reconnection time before any `retry:` (default 3000 ms, Chrome). */
  defaultRetryMs?: number;
  backoff?: Partial<BackoffPolicy>;
  retryClamp?: Partial<RetryClamp>;
  /**
   * Silence longer than heartbeatMs * stallMultiple (or stallAfterMs when given) is a stall.
   * 0 or undefined for both disables the watchdog.
   */
  heartbeatMs?: number;
  stallMultiple?: number;
  stallAfterMs?: number;
  watchdog?: Watchdog;
  /**
   * Instead of `random`: the seed of a seeded jitter source made on first use (a fleet passes this,
   * so subscribers that never back off never hold a generator). Ignored when `random` is given.
   */
  seed?: number;
  counters?: SubscriberCounters;
  /**
   * The run nonce (see history/payload.ts): payloads carrying another nonce are recorded as foreign.
   * Undefined: every decodable payload counts as this run's (tests, single-run tools).
   */
  run?: string;
  maxLineBytes?: number;
  maxEventBytes?: number;
  maxRedirects?: number;
  headers?: Record<string, string>;
}

export type SubscriberState = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped' | 'gave-up';

export interface Subscriber {
  readonly sub: number;
  readonly state: SubscriberState;
  readonly lastEventId: string;
  /** The reconnection time the browser profile would use now. */
  readonly reconnectionTimeMs: number;
  start(): void;
  /** Aborts the connection or the wait, records `unsubscribe`; resolves once closed. */
  stop(): Promise<void>;
  /** Resolves when the subscriber stopped or gave up. */
  readonly done: Promise<void>;
}

/** The stream URL with the subscriber's topics. */
export function streamUrl(url: string, topics: readonly string[] | undefined): string {
  if (!topics || topics.length === 0) return url;
  const u = new URL(url);
  u.searchParams.set('topics', topics.join(','));
  return u.href;
}

/** One resolved policy per distinct options object (a fleet passes the same one to everyone). */
const backoffCache = new WeakMap<Partial<BackoffPolicy>, BackoffPolicy>();
const clampCache = new WeakMap<Partial<RetryClamp>, RetryClamp>();

function resolveBackoff(p: Partial<BackoffPolicy> | undefined): BackoffPolicy {
  if (p === undefined) return DEFAULT_BACKOFF;
  let r = backoffCache.get(p);
  if (!r) backoffCache.set(p, (r = validateBackoff({ ...DEFAULT_BACKOFF, ...p })));
  return r;
}

function resolveClamp(p: Partial<RetryClamp> | undefined): RetryClamp {
  if (p === undefined) return DEFAULT_RETRY_CLAMP;
  let r = clampCache.get(p);
  if (!r) clampCache.set(p, (r = { ...DEFAULT_RETRY_CLAMP, ...p }));
  return r;
}

/**
 * Creates a subscriber. (A class behind a factory: it is its own parser handlers, connection events
 * and watchdog entry, so a subscriber costs one object and a parser instead of a dozen closures;
 * under tsx every named closure also carries its own `name` property, which at 10,000 subscribers
 * adds up to megabytes.)
 */
export function createSubscriber(o: SubscriberOptions): Subscriber {
  return new ReconnectingSubscriber(o);
}

class ReconnectingSubscriber implements Subscriber, ParserHandlers, ConnectionEvents, WatchEntry {
  readonly sub: number;
  private readonly profile: ClientProfileName;
  private url: string;
  private readonly topics: string[] | undefined;
  private readonly lane: 'edge' | 'edge-b';
  private readonly history: HistorySink;
  private readonly clock: RunClock;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly watchdog: Watchdog;
  private readonly counters: SubscriberCounters;
  private readonly backoff: BackoffPolicy;
  private readonly clamp: RetryClamp;
  private random: Random | null;
  private readonly seed: number | undefined;
  private readonly maxLineBytes: number | undefined;
  private readonly maxEventBytes: number | undefined;
  private readonly maxRedirects: number | undefined;
  private readonly headers: Record<string, string> | undefined;
  private readonly run: string | undefined;

  // WatchEntry
  lastActivity = 0;
  readonly stallAfterMs: number;

  private _state: SubscriberState = 'idle';
  private _lastEventId: string;
  private reconnectionTime: number;
  private attempt = 0;
  private failures = 0; // consecutive, for backoff
  private openedAt: Millis = -1;
  private conn: Connection | null = null;
  private parser: Parser | null = null;
  private waitTimer: NodeJS.Timeout | null = null;
  // `done` is made on first use: most subscribers of a fleet are never awaited one by one.
  private donePromise: Promise<void> | null = null;
  private resolveDone: (() => void) | null = null;
  private finished = false;

  constructor(o: SubscriberOptions) {
    this.sub = o.sub;
    this.profile = o.profile;
    this.url = streamUrl(o.url, o.topics);
    this.topics = o.topics;
    this.lane = o.lane ?? 'edge';
    this.history = o.history;
    this.clock = o.clock;
    this.dispatcher = o.dispatcher;
    this.watchdog = o.watchdog ?? sharedWatchdog;
    this.counters = o.counters ?? newCounters();
    this.backoff = resolveBackoff(o.backoff);
    this.clamp = resolveClamp(o.retryClamp);
    this.random = o.random ?? (o.seed === undefined ? Math.random : null);
    this.seed = o.seed;
    this.maxLineBytes = o.maxLineBytes;
    this.maxEventBytes = o.maxEventBytes;
    this.maxRedirects = o.maxRedirects;
    this.headers = o.headers;
    this.run = o.run;
    const stallAfterMs = o.stallAfterMs ?? (o.heartbeatMs ?? 0) * (o.stallMultiple ?? 3);
    if (!(stallAfterMs >= 0))
      throw new RangeError(`subscriber ${o.sub}: stall limit must be >= 0, got ${stallAfterMs}`);
    this.stallAfterMs = stallAfterMs;
    this._lastEventId = o.lastEventId ?? '';
    this.reconnectionTime = clampRetry(o.defaultRetryMs ?? BROWSER_DEFAULT_RETRY_MS, this.clamp);
  }

  get state(): SubscriberState {
    return this._state;
  }

  get lastEventId(): string {
    return this.parser ? this.parser.lastEventId : this._lastEventId;
  }

  get reconnectionTimeMs(): number {
    return this.reconnectionTime;
  }

  get done(): Promise<void> {
    if (!this.donePromise) {
      if (this.finished) this.donePromise = Promise.resolve();
      else this.donePromise = new Promise<void>((r) => (this.resolveDone = r));
    }
    return this.donePromise;
  }

  private finish(): void {
    this.finished = true;
    if (this.resolveDone) {
      this.resolveDone();
      this.resolveDone = null;
    }
  }

  private touch(): void {
    this.lastActivity = this.watchdog.now();
  }

  // --- WatchEntry ---
  onStall(): void {
    this.conn?.abort('stalled');
  }

  // --- ParserHandlers (created once per subscriber, never per event) ---
  onEvent(e: { type: string; data: string; lastEventId: string; bytes: number }): void {
    const t = this.clock.now();
    if (e.type === 'reset') {
      this.history.append({ kind: 'reset', t, sub: this.sub, data: e.data });
      return;
    }
    const p = decodePayload(e.data);
    if (p && (this.run === undefined || p.run === this.run)) {
      this.history.appendEvent(t, this.sub, e.lastEventId, e.type, e.bytes, p.seq, p.topic, p.publishedAt);
    } else {
      const cls = p ? 'foreign' : 'undecodable';
      this.history.appendEvent(
        t,
        this.sub,
        e.lastEventId,
        e.type,
        e.bytes,
        undefined,
        undefined,
        undefined,
        cls,
      );
    }
    this.counters.events++;
  }

  onComment(): void {
    this.history.appendHeartbeat(this.clock.now(), this.sub);
    this.counters.heartbeats++;
  }

  onRetry(ms: number): void {
    const appliedMs = clampRetry(ms, this.clamp);
    this.history.append({ kind: 'retry', t: this.clock.now(), sub: this.sub, ms, appliedMs });
    this.reconnectionTime = appliedMs;
  }

  // --- ConnectionEvents ---
  onResponse(r: ResponseInfo): void {
    this.touch();
    const t = this.clock.now();
    this.history.append({
      kind: 'response',
      t,
      sub: this.sub,
      status: r.status,
      contentType: r.contentType,
      headersMs: r.headersMs,
      ...(r.encoding ? { encoding: r.encoding } : {}),
      ...(r.upstream ? { upstream: r.upstream } : {}),
    });
    // Like EventSource (its URL becomes the response's): after a redirect, reconnects go to the target.
    if (this.profile === 'browser' && r.redirects > 0) this.url = r.url;
    if (r.status === 200) {
      this._state = 'open';
      this.openedAt = t;
      this.counters.connected++;
    }
  }

  onFirstByte(ttfbMs: number): void {
    this.history.append({ kind: 'first-byte', t: this.clock.now(), sub: this.sub, ttfbMs });
  }

  onData(chunk: Uint8Array): void {
    this.touch();
    this.parser!.feed(chunk);
  }

  onEnd(end: ConnectionEnd): void {
    this.closed(end);
  }

  // --- the connection cycle ---
  start(): void {
    if (this._state !== 'idle')
      throw new Error(`subscriber ${this.sub} already started (state ${this._state})`);
    this.history.append({
      kind: 'subscriber',
      t: this.clock.now(),
      sub: this.sub,
      profile: this.profile,
      topics: this.topics ?? [],
      lane: this.lane,
    });
    this.connect();
  }

  /** Timer callback: `this` is the timer, the subscriber is its argument. */
  private static reconnect(s: ReconnectingSubscriber): void {
    s.waitTimer = null;
    s.connect();
  }

  private connect(): void {
    this.waitTimer = null;
    if (this._state === 'stopped') return;
    this._state = 'connecting';
    this.attempt++;
    const lastEventId = this._lastEventId;
    this.history.append({
      kind: 'connect',
      t: this.clock.now(),
      sub: this.sub,
      attempt: this.attempt,
      lastEventId,
    });
    const p = createParser(this, {
      lastEventId,
      maxLineBytes: this.maxLineBytes,
      maxEventBytes: this.maxEventBytes,
    });
    this.parser = p;
    const c = openConnection(
      {
        url: this.url,
        lastEventId,
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
        now: this.clock.now,
        maxRedirects: this.maxRedirects,
        headers: this.headers,
        onlyUtf8: this.profile === 'browser',
      },
      this,
    );
    // openConnection may end synchronously (closed() already ran and cleared the parser).
    if (this.parser !== p) return;
    this.conn = c;
    if (this.stallAfterMs > 0) {
      this.touch();
      this.watchdog.watch(this);
    }
  }

  private closed(end: ConnectionEnd): void {
    this.watchdog.unwatch(this);
    const t = this.clock.now();
    const sub = this.sub;
    if (this.parser) {
      this.parser.end();
      this._lastEventId = this.parser.lastEventId;
      this.parser = null;
    }
    this.conn = null;
    const wasOpen = this._state === 'open';
    if (wasOpen) this.counters.connected--;
    this.history.append({
      kind: 'close',
      t,
      sub,
      reason: end.reason,
      ...('detail' in end ? { detail: end.detail } : {}),
      ...('status' in end ? { status: end.status } : {}),
    });
    if (end.reason === 'aborted') return; // stop() owns what follows
    const healthyMs = wasOpen ? t - this.openedAt : 0;
    const status = 'status' in end ? end.status : undefined;
    if (status === 204) return this.giveUp(t, 'http 204: the server asked the client not to reconnect');
    if (this.profile === 'browser' && (end.reason === 'http-status' || end.reason === 'content-type')) {
      const why =
        end.reason === 'http-status'
          ? `http ${end.status}: EventSource fails the connection for good`
          : `content type ${JSON.stringify(end.contentType)} is not text/event-stream: EventSource fails for good`;
      return this.giveUp(t, why);
    }
    let delayMs: number;
    if (this.profile === 'browser') {
      delayMs = this.reconnectionTime;
    } else {
      if (wasOpen && healthyMs >= this.backoff.resetAfterMs) this.failures = 0;
      this.random ??= seededRandom(this.seed ?? 0);
      delayMs = backoffDelay(this.failures, this.backoff, this.random);
      this.failures++;
    }
    this.history.append({ kind: 'reconnect-wait', t, sub, delayMs, profile: this.profile });
    this.counters.reconnects++;
    this._state = 'waiting';
    this.waitTimer = setTimeout(ReconnectingSubscriber.reconnect, delayMs, this);
  }

  private giveUp(t: Millis, reason: string): void {
    this._state = 'gave-up';
    this.counters.gaveUp++;
    this.history.append({ kind: 'give-up', t, sub: this.sub, reason });
    this.finish();
  }

  stop(): Promise<void> {
    const prev = this._state;
    if (prev === 'stopped') return this.done;
    const wasActive = prev !== 'gave-up' && prev !== 'idle';
    this._state = 'stopped';
    if (this.waitTimer) {
      clearTimeout(this.waitTimer);
      this.waitTimer = null;
    }
    if (this.conn) {
      if (prev === 'open') this.counters.connected--;
      // state is already 'stopped', so closed() will not count the connection down again.
      this.conn.abort('aborted');
    }
    if (wasActive || prev === 'gave-up')
      this.history.append({ kind: 'unsubscribe', t: this.clock.now(), sub: this.sub });
    this.finish();
    return this.done;
  }
}
