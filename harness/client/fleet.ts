/**
 * The fleet: N reconnecting subscribers with a connect ramp, a profile mix, topics and lanes, sharing
 * one undici Agent, one watchdog and one set of live counters.
 *
 * Cheap at thousands: the ramp is one chained timer (not one per subscriber), idle detection is one
 * shared interval, parser callbacks are per subscriber (never per event), and hot records go straight
 * into the History's columns.
 */
import { Agent, type Dispatcher } from 'undici';
import type { RunClock } from '../history/clock.ts';
import type { ClientProfileName } from '../history/records.ts';
import type { HistorySink } from '../history/sink.ts';
import { childSeed } from './random.ts';
import type { BackoffPolicy, RetryClamp } from './reconnect-policy.ts';
import {
  createSubscriber,
  newCounters,
  type Subscriber,
  type SubscriberCounters,
  type SubscriberOptions,
} from './subscriber.ts';
import { createWatchdog } from './watchdog.ts';

export interface FleetOptions {
  size: number;
  /**
   * Stream URL of the main lane (through toxiproxy `edge`); a list when the stack runs several
   * toxiproxy processes: subscriber i uses entry i mod length.
   */
  url: string | readonly string[];
  /** Stream URL(s) of the second lane (through `edge-b`); required when laneBFraction > 0. */
  urlB?: string | readonly string[];
  /** The first ceil(laneBFraction * fleetSize) subscribers use edge-b (deterministic, default 0). */
  laneBFraction?: number;
  /** Connects are spread evenly over this many ms (default 0: all at once). */
  rampMs?: number;
  /** Fraction of browser-profile subscribers, interleaved evenly; the rest use backoff (default 1). */
  browserFraction?: number;
  /** Topics per subscriber: a list for everyone, or a function of the subscriber's index in the whole fleet. */
  topics?: string[] | ((sub: number) => string[]);
  history: HistorySink;
  clock: RunClock;
  /** Seed for every subscriber's jitter (each gets its own derived stream). Default: random. */
  seed?: number;
  /** Expected heartbeat interval; silence of heartbeatMs * stallMultiple is a stall. */
  heartbeatMs?: number;
  stallMultiple?: number;
  /** The stall limit itself (wins over heartbeatMs * stallMultiple); 0 disables the watchdog. */
  stallAfterMs?: number;
  defaultRetryMs?: number;
  backoff?: Partial<BackoffPolicy>;
  retryClamp?: Partial<RetryClamp>;
  maxLineBytes?: number;
  maxEventBytes?: number;
  /**
   * Send every stream through this undici dispatcher (the fleet then does not close it). Default:
   * none, and `http:` streams take the socket path (connection.ts), which is what holds thousands.
   */
  dispatcher?: Dispatcher;
  /** How the fleet's own agent reaches https stream URLs (trusted certificate, HTTP/2). */
  transport?: StreamTransport;
  /** First subscriber id (default 0), so several fleets can share a history. */
  firstSub?: number;
  /**
   * The whole fleet's size when this fleet is a slice of it (subscribers firstSub .. firstSub + size - 1;
   * default: size). Lanes, profiles, topics, URLs and jitter seeds follow the subscriber's index in the
   * whole fleet, so a fleet split over processes or machines behaves subscriber for subscriber like one.
   */
  fleetSize?: number;
  /** The run nonce: payloads of other runs are recorded as foreign (see history/payload.ts). */
  run?: string;
}

export interface FleetCounters extends SubscriberCounters {
  /** Subscribers started so far (the ramp's progress). */
  started: number;
}

export interface Fleet {
  readonly counters: Readonly<FleetCounters>;
  readonly subscribers: readonly Subscriber[];
  /** Starts the ramp; resolves once every subscriber has been started. */
  start(): Promise<void>;
  /** Stops every subscriber (records `unsubscribe`) and closes its connection. */
  stop(): Promise<void>;
}

/** How a stream agent reaches an https origin. */
export interface StreamTransport {
  /** A certificate (PEM) to trust besides the system's: e.g. a run's self-signed one. */
  ca?: string;
  /** Speak HTTP/2 (negotiated by ALPN, so https only): every stream to an origin on one connection. */
  http2?: boolean;
}

/**
 * Streams one HTTP/2 connection carries at once: nginx's default http2_max_concurrent_streams. A
 * browser queues streams beyond the server's limit on the same connection; so does this agent.
 */
export const H2_STREAMS_PER_CONNECTION = 128;

/**
 * An undici Agent for many long-lived streams: no body/headers timeouts. Over HTTP/1.1 each stream
 * has its own socket (no pool limit, nothing queued behind a stream); over HTTP/2 one connection per
 * origin multiplexes them, as a browser does, so a cut of that connection ends every stream at once.
 */
export function createStreamAgent(transport: StreamTransport = {}): Agent {
  const h2 = transport.http2 === true;
  return new Agent({
    connections: h2 ? 1 : null,
    pipelining: h2 ? H2_STREAMS_PER_CONNECTION : 0,
    allowH2: h2,
    keepAliveTimeout: 4_000,
    bodyTimeout: 0, // the watchdog decides when a silent stream is dead
    headersTimeout: 0,
    connectTimeout: 10_000,
    ...(transport.ca !== undefined ? { connect: { ca: transport.ca } } : {}),
  });
}

/** Profile of subscriber i for a browser fraction f: evenly interleaved, deterministic. */
export function profileOf(i: number, browserFraction: number): ClientProfileName {
  return Math.floor((i + 1) * browserFraction) > Math.floor(i * browserFraction) ? 'browser' : 'backoff';
}

/** Lane of subscriber i: the first ceil(f * size) go through edge-b. */
export function laneOf(i: number, size: number, laneBFraction: number): 'edge' | 'edge-b' {
  return i < Math.ceil(laneBFraction * size) ? 'edge-b' : 'edge';
}

export function createFleet(o: FleetOptions): Fleet {
  if (!Number.isInteger(o.size) || o.size < 0)
    throw new RangeError(`fleet size must be an integer >= 0, got ${o.size}`);
  const laneB = o.laneBFraction ?? 0;
  if (laneB < 0 || laneB > 1) throw new RangeError(`laneBFraction must be in [0, 1], got ${laneB}`);
  const browserFraction = o.browserFraction ?? 1;
  if (browserFraction < 0 || browserFraction > 1) {
    throw new RangeError(`browserFraction must be in [0, 1], got ${browserFraction}`);
  }
  const rampMs = o.rampMs ?? 0;
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 32);
  // https streams (TLS, HTTP/2) go through an agent that trusts the run's certificate; http: streams
  // take the socket path and need none.
  const ownAgent = o.dispatcher === undefined && o.transport !== undefined;
  const dispatcher = o.dispatcher ?? (o.transport ? createStreamAgent(o.transport) : undefined);
  const stallAfterMs = o.stallAfterMs ?? (o.heartbeatMs ?? 0) * (o.stallMultiple ?? 3);
  const watchdog = createWatchdog(Math.min(1000, Math.max(50, stallAfterMs / 4)));
  const counters: FleetCounters = { ...newCounters(), started: 0 };
  const firstSub = o.firstSub ?? 0;
  const fleetSize = o.fleetSize ?? o.size;
  if (!Number.isInteger(fleetSize) || fleetSize < firstSub + o.size)
    throw new RangeError(
      `fleetSize must be an integer >= firstSub + size (${firstSub + o.size}), got ${fleetSize}`,
    );
  const urls = typeof o.url === 'string' ? [o.url] : o.url;
  const urlsB = o.urlB === undefined ? [] : typeof o.urlB === 'string' ? [o.urlB] : o.urlB;
  if (urls.length === 0) throw new Error('the fleet needs at least one stream URL');
  if (laneB > 0 && urlsB.length === 0)
    throw new Error('laneBFraction > 0 needs urlB (the edge-b stream URL)');

  const subscribers: Subscriber[] = [];
  for (let i = 0; i < o.size; i++) {
    const g = firstSub + i; // index in the whole fleet
    const lane = laneOf(g, fleetSize, laneB);
    const topics = typeof o.topics === 'function' ? o.topics(g) : (o.topics ?? []);
    const lanes = lane === 'edge-b' ? urlsB : urls;
    const opts: SubscriberOptions = {
      sub: g,
      url: lanes[g % lanes.length]!,
      profile: profileOf(g, browserFraction),
      topics,
      lane,
      history: o.history,
      clock: o.clock,
      ...(dispatcher ? { dispatcher } : {}),
      seed: childSeed(seed, g), // its generator is made on first backoff, not up front
      defaultRetryMs: o.defaultRetryMs,
      backoff: o.backoff,
      retryClamp: o.retryClamp,
      stallAfterMs,
      watchdog,
      counters,
      maxLineBytes: o.maxLineBytes,
      maxEventBytes: o.maxEventBytes,
      run: o.run,
    };
    subscribers.push(createSubscriber(opts));
  }

  let rampTimer: NodeJS.Timeout | null = null;
  let stopped = false;
  let rampDone: Promise<void> | null = null;
  let resolveRamp: () => void = () => undefined;

  function start(): Promise<void> {
    if (rampDone) return rampDone;
    rampDone = new Promise<void>((resolve) => {
      resolveRamp = resolve;
      const t0 = performance.now();
      const n = subscribers.length;
      const step = (): void => {
        rampTimer = null;
        if (stopped) return resolve();
        const due =
          rampMs <= 0 || n <= 1
            ? n
            : Math.min(n, Math.floor(((performance.now() - t0) / rampMs) * (n - 1)) + 1);
        while (counters.started < due) subscribers[counters.started++].start();
        if (counters.started >= n) return resolve();
        // One timer for the whole ramp: wake when the next subscriber is due.
        const nextAt = t0 + (counters.started / (n - 1)) * rampMs;
        rampTimer = setTimeout(step, Math.max(1, nextAt - performance.now()));
      };
      step();
    });
    return rampDone;
  }

  async function stop(): Promise<void> {
    stopped = true;
    if (rampTimer) {
      clearTimeout(rampTimer);
      rampTimer = null;
    }
    resolveRamp();
    await Promise.all(subscribers.map((s) => (s.state === 'idle' ? undefined : s.stop())));
    if (ownAgent) await dispatcher?.destroy();
  }

  return { counters, subscribers, start, stop };
}
