/**
 * A reconnecting SSE subscriber that behaves like a real client profile and writes every observation
 * to the history.
 *
 * - `browser`: as EventSource in Chrome: a fixed reconnection time (3000 ms, or the server's
 *   `retry:`), no backoff; any non-200 status or a wrong content type stops it for good.
 * - `backoff`: capped exponential backoff with full jitter, reset after a healthy connection; it keeps
 *   retrying after errors and bad statuses.
 * Both stop for good on 204 (the spec's "do not reconnect" signal), both carry the last event id
 * across reconnects, and both treat silence beyond the watchdog limit as a dead stream (`stalled`).
 */
import type { Dispatcher } from 'undici';
import { decodePayload } from '../history/payload.ts';
import type { ClientProfileName, Millis } from '../history/records.ts';
import type { History } from '../history/store.ts';
import type { RunClock } from '../history/clock.ts';
import { openConnection, type Connection, type ConnectionEnd } from './connection.ts';
import { createParser, type Parser } from './parser.ts';
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
import type { Random } from './random.ts';
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
  history: History;
  clock: RunClock;
  dispatcher: Dispatcher;
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
  counters?: SubscriberCounters;
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

export function createSubscriber(o: SubscriberOptions): Subscriber {
  const { sub, history, clock, profile } = o;
  const random = o.random ?? Math.random;
  const backoff = validateBackoff({ ...DEFAULT_BACKOFF, ...o.backoff });
  const clamp: RetryClamp = { ...DEFAULT_RETRY_CLAMP, ...o.retryClamp };
  const counters = o.counters ?? newCounters();
  const watchdog = o.watchdog ?? sharedWatchdog;
  const url = streamUrl(o.url, o.topics);
  const stallAfterMs = o.stallAfterMs ?? (o.heartbeatMs ?? 0) * (o.stallMultiple ?? 3);
  if (!(stallAfterMs >= 0))
    throw new RangeError(`subscriber ${sub}: stall limit must be >= 0, got ${stallAfterMs}`);

  let state: SubscriberState = 'idle';
  let lastEventId = o.lastEventId ?? '';
  let reconnectionTime = clampRetry(o.defaultRetryMs ?? BROWSER_DEFAULT_RETRY_MS, clamp);
  let attempt = 0;
  let failures = 0; // consecutive, for backoff
  let openedAt: Millis = -1;
  let conn: Connection | null = null;
  let parser: Parser | null = null;
  let waitTimer: NodeJS.Timeout | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  const entry: WatchEntry = {
    lastActivity: 0,
    stallAfterMs,
    onStall: () => conn?.abort('stalled'),
  };
  const touch = (): void => {
    entry.lastActivity = watchdog.now();
  };

  // Parser callbacks are created once per subscriber, never per event.
  const handlers = {
    onEvent(e: { type: string; data: string; lastEventId: string; bytes: number }): void {
      const t = clock.now();
      if (e.type === 'reset') {
        history.append({ kind: 'reset', t, sub, data: e.data });
        return;
      }
      const p = decodePayload(e.data);
      history.appendEvent(t, sub, e.lastEventId, e.type, e.bytes, p?.seq, p?.topic, p?.publishedAt);
      counters.events++;
    },
    onComment(): void {
      history.appendHeartbeat(clock.now(), sub);
      counters.heartbeats++;
    },
    onRetry(ms: number): void {
      const appliedMs = clampRetry(ms, clamp);
      history.append({ kind: 'retry', t: clock.now(), sub, ms, appliedMs });
      reconnectionTime = appliedMs;
    },
  };

  function connect(): void {
    waitTimer = null;
    if (state === 'stopped') return;
    state = 'connecting';
    attempt++;
    history.append({ kind: 'connect', t: clock.now(), sub, attempt, lastEventId });
    parser = createParser(handlers, {
      lastEventId,
      maxLineBytes: o.maxLineBytes,
      maxEventBytes: o.maxEventBytes,
    });
    const p = parser;
    const c = openConnection(
      {
        url,
        lastEventId,
        dispatcher: o.dispatcher,
        now: clock.now,
        maxRedirects: o.maxRedirects,
        headers: o.headers,
      },
      {
        onResponse(r) {
          touch();
          const t = clock.now();
          history.append({
            kind: 'response',
            t,
            sub,
            status: r.status,
            contentType: r.contentType,
            headersMs: r.headersMs,
          });
          if (r.status === 200) {
            state = 'open';
            openedAt = t;
            counters.connected++;
          }
        },
        onFirstByte(ttfbMs) {
          history.append({ kind: 'first-byte', t: clock.now(), sub, ttfbMs });
        },
        onData(chunk) {
          touch();
          p.feed(chunk);
        },
        onEnd: closed,
      },
    );
    // openConnection may end synchronously (closed() already ran and cleared the parser).
    if (parser !== p) return;
    conn = c;
    if (stallAfterMs > 0) {
      touch();
      watchdog.watch(entry);
    }
  }

  function closed(end: ConnectionEnd): void {
    watchdog.unwatch(entry);
    const t = clock.now();
    if (parser) {
      parser.end();
      lastEventId = parser.lastEventId;
      parser = null;
    }
    conn = null;
    const wasOpen = state === 'open';
    if (wasOpen) counters.connected--;
    history.append({
      kind: 'close',
      t,
      sub,
      reason: end.reason,
      ...('detail' in end ? { detail: end.detail } : {}),
      ...('status' in end ? { status: end.status } : {}),
    });
    if (end.reason === 'aborted') return; // stop() owns what follows
    const healthyMs = wasOpen ? t - openedAt : 0;
    const status = 'status' in end ? end.status : undefined;
    if (status === 204) return giveUp(t, 'http 204: the server asked the client not to reconnect');
    if (profile === 'browser' && (end.reason === 'http-status' || end.reason === 'content-type')) {
      const why =
        end.reason === 'http-status'
          ? `http ${end.status}: EventSource fails the connection for good`
          : `content type ${JSON.stringify(end.contentType)} is not text/event-stream: EventSource fails for good`;
      return giveUp(t, why);
    }
    let delayMs: number;
    if (profile === 'browser') {
      delayMs = reconnectionTime;
    } else {
      if (wasOpen && healthyMs >= backoff.resetAfterMs) failures = 0;
      delayMs = backoffDelay(failures, backoff, random);
      failures++;
    }
    history.append({ kind: 'reconnect-wait', t, sub, delayMs, profile });
    counters.reconnects++;
    state = 'waiting';
    waitTimer = setTimeout(connect, delayMs);
  }

  function giveUp(t: Millis, reason: string): void {
    state = 'gave-up';
    counters.gaveUp++;
    history.append({ kind: 'give-up', t, sub, reason });
    resolveDone();
  }

  return {
    sub,
    done,
    get state() {
      return state;
    },
    get lastEventId() {
      return parser ? parser.lastEventId : lastEventId;
    },
    get reconnectionTimeMs() {
      return reconnectionTime;
    },
    start() {
      if (state !== 'idle') throw new Error(`subscriber ${sub} already started (state ${state})`);
      history.append({
        kind: 'subscriber',
        t: clock.now(),
        sub,
        profile,
        topics: o.topics ?? [],
        lane: o.lane ?? 'edge',
      });
      connect();
    },
    stop() {
      if (state === 'stopped') return done;
      const wasActive = state !== 'gave-up' && state !== 'idle';
      const prev = state;
      state = 'stopped';
      if (waitTimer) {
        clearTimeout(waitTimer);
        waitTimer = null;
      }
      if (conn) {
        if (prev === 'open') counters.connected--;
        // state is already 'stopped', so closed() will not count the connection down again.
        conn.abort('aborted');
      }
      if (wasActive || prev === 'gave-up') history.append({ kind: 'unsubscribe', t: clock.now(), sub });
      resolveDone();
      return done;
    },
  };
}
