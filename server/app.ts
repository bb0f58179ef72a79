/**
 * The server, as a factory: `createSseServer(options)` wires the event log, streams, publish,
 * health, metrics and tracing onto one node:http server. main.ts adds flags and signals; tests and
 * embedders call it directly.
 *
 *   const server = createSseServer({ port: 0 });
 *   const url = await server.listen();   // opens the log, binds, returns http://host:port
 *   ...
 *   await server.close();                // graceful: see close() below
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { DEFAULT_CONFIG, type ServerConfig } from './config.ts';
import type { EventLog } from './event-log.ts';
import { sendJson } from './http-util.ts';
import { createJsonLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { openConfiguredLog } from './open-log.ts';
import { createPublishHandler } from './publish.ts';
import { resolveResume as resolveResumeDefault, type Resume } from './resume.ts';
import { StreamSession, type StreamOptions } from './stream.ts';
import { parseTopicsParam } from './topics.ts';
import { createTracing, type Tracing } from './tracing.ts';

export interface SseServerOptions extends Partial<ServerConfig> {
  logger?: Logger;
  /** Receives every finished span (tests pass an InMemorySpanExporter). */
  spanExporter?: SpanExporter;
  /** Source of randomness for retry jitter, in [0, 1). */
  random?: () => number;
  /**
   * Opens the event log in listen(). Default: the memory ring or the file journal, per `log`
   * (open-log.ts). Another store (a database, a broker) plugs in here.
   */
  openLog?: (config: ServerConfig, logger: Logger) => Promise<EventLog>;
  /**
   * Where a new stream starts, from the Last-Event-ID it presented. Default: resolveResume
   * (resume.ts). Must not await: see handleEvents (a shared log has already caught up with its
   * store when it is called, so `log`'s window is current). Goes with the log's id scheme.
   */
  resolveResume?: (requested: string | undefined, log: EventLog) => Resume;
  /** Builds the session of each stream. Default: `new StreamSession(o)`; a subclass changes one step. */
  createStream?: (options: StreamOptions) => StreamSession;
  /**
   * Runs first for every request, before routing: the place for response middleware (compression,
   * access logs) that wraps `res`.
   */
  onRequest?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface SseServer {
  /** Opens the event log and binds; resolves to the bound base URL. */
  listen(): Promise<string>;
  /**
   * Graceful shutdown: readiness false, new streams and publishes get 503, in-flight publishes
   * finish (and are acknowledged), every open stream gets its own `retry:` (base + random in
   * [0, shutdownJitterMs]) and is ended, the log is flushed and closed. Streams still open at 3/4
   * of graceMs are cut. Idempotent.
   */
  close(): Promise<void>;
  readonly url: string;
  readonly config: ServerConfig;
  readonly metrics: Metrics;
  /** The event log (after listen()). */
  readonly eventLog: EventLog;
  readonly openStreams: number;
}

function jitter(random: () => number, max: number): number {
  return max <= 0 ? 0 : Math.floor(random() * (max + 1));
}

function waitUntil(predicate: () => boolean, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => {
      if (predicate()) resolve(true);
      else if (Date.now() >= deadline) resolve(false);
      else setTimeout(check, 10);
    };
    check();
  });
}

export function createSseServer(options: SseServerOptions = {}): SseServer {
  const {
    logger = createJsonLogger(),
    spanExporter,
    random = Math.random,
    openLog = openConfiguredLog,
    resolveResume = resolveResumeDefault,
    createStream = (o: StreamOptions) => new StreamSession(o),
    onRequest,
    ...overrides
  } = options;
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...overrides };
  if (config.log === 'file' && !config.logPath) {
    throw new Error('createSseServer: log "file" needs logPath (the journal file to use)');
  }
  if (config.log === 'redis' && !config.redisUrl) {
    throw new Error('createSseServer: log "redis" needs redisUrl (the Redis server to use)');
  }
  const metrics = createMetrics();
  const tracing: Tracing = createTracing(spanExporter ? { spanExporter } : {});
  const streams = new Set<StreamSession>();
  let log: EventLog | undefined;
  let unsubscribe: (() => void) | undefined;
  let url = '';
  let draining = false;
  let inflightPublishes = 0;
  let nextStreamId = 1;
  let closing: Promise<void> | undefined;

  const handlePublish = createPublishHandler({
    get log() {
      return log!;
    },
    metrics,
    tracing,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    publishToken: config.publishToken,
    isDraining: () => draining,
  });

  function refuseDraining(res: ServerResponse): void {
    metrics.streamsRefused.inc({ reason: 'draining' });
    sendJson(res, 503, { error: 'server is shutting down; reconnect shortly' }, { 'Retry-After': '1' });
  }

  async function handleEvents(
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> {
    if (draining) {
      refuseDraining(res);
      return;
    }
    const topics = parseTopicsParam(query.get('topics'));
    if ('error' in topics) {
      metrics.streamsRefused.inc({ reason: 'bad-request' });
      sendJson(res, 400, { error: topics.error });
      return;
    }
    const header = req.headers['last-event-id'];
    // The header wins: a browser keeps the original URL (and its ?lastEventId=) across reconnects,
    // but sends the id it actually saw last in the header.
    const lastEventId =
      (typeof header === 'string' && header !== '' ? header : undefined) ??
      query.get('lastEventId') ??
      undefined;
    const eventLog = log!;
    if (eventLog.catchUp) {
      // A shared log: first bring this process's view up to the store's head, so an id the client
      // got from any instance is known here (resolved exactly below, never a spurious reset).
      try {
        await eventLog.catchUp();
      } catch (err) {
        metrics.streamsRefused.inc({ reason: 'log-unavailable' });
        sendJson(
          res,
          503,
          { error: `event log unavailable: ${(err as Error).message}; reconnect shortly` },
          { 'Retry-After': '1' },
        );
        return;
      }
      if (draining) {
        refuseDraining(res);
        return;
      }
      if (res.destroyed || req.socket.destroyed) return; // the client left while we waited
    }
    // From here to stream.start() nothing awaits: commits are delivered in order by the log's own
    // turn (event-log.ts), so none can land between reading the head here and the stream joining
    // `streams`. That makes the resume point the stream announces exactly its replay/live boundary
    // (no loss, no duplicate).
    const resume = resolveResume(lastEventId, eventLog);
    const retryMs = config.retryMs + jitter(random, config.retryJitterMs);
    const span = tracing.tracer.startSpan(
      'sse.stream',
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'GET',
          'url.path': '/events',
          'sse.topics': topics.filter ? [...topics.filter].join(',') : '*',
          'sse.last_event_id': lastEventId ?? '',
          'sse.resume': resume.kind,
          'sse.retry_ms': retryMs,
        },
      },
      tracing.extract(req.headers),
    );
    req.socket.setTimeout(0);
    req.socket.setKeepAlive(true, 30_000);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      ...(config.corsOrigin !== undefined && { 'Access-Control-Allow-Origin': config.corsOrigin }),
    });
    metrics.connectionsOpened.inc();
    metrics.activeConnections.inc();
    const stream = createStream({
      id: nextStreamId++,
      res,
      log: eventLog,
      topics: topics.filter,
      resume,
      retryMs,
      heartbeatMs: config.heartbeatMs,
      clientQueueBytes: config.clientQueueBytes,
      metrics,
      logger,
      span,
      remote: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
      lastEventId,
      onClosed: (s) => streams.delete(s),
    });
    streams.add(stream);
    stream.start();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    onRequest?.(req, res);
    const parsed = new URL(req.url ?? '/', 'http://localhost');
    const allow = (methods: string) => {
      if (methods.split(', ').includes(req.method ?? '')) return true;
      sendJson(res, 405, { error: `${req.method} not allowed on ${parsed.pathname}` }, { Allow: methods });
      return false;
    };
    switch (parsed.pathname) {
      case '/events':
        if (allow('GET')) await handleEvents(req, res, parsed.searchParams);
        return;
      case '/publish':
        if (!allow('POST')) return;
        inflightPublishes += 1;
        try {
          await handlePublish(req, res);
        } finally {
          inflightPublishes -= 1;
        }
        return;
      case '/healthz':
        if (allow('GET, HEAD')) sendJson(res, 200, { status: 'ok' });
        return;
      case '/readyz': {
        if (!allow('GET, HEAD')) return;
        const status = draining ? 'draining' : log?.failure ? 'log-failed' : 'ready';
        sendJson(res, status === 'ready' ? 200 : 503, { status });
        return;
      }
      case '/metrics': {
        if (!allow('GET')) return;
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
        res.end(text);
        return;
      }
      default:
        sendJson(res, 404, { error: `no route ${parsed.pathname}; try GET /events or POST /publish` });
    }
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: Error) => {
      logger.error('request failed', { method: req.method, url: req.url, error: err.message });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy(err);
  });

  async function close(): Promise<void> {
    const started = Date.now();
    draining = true;
    logger.info('shutdown started', {
      openStreams: streams.size,
      inflightPublishes,
      graceMs: config.graceMs,
    });
    const streamsDeadline = started + Math.floor(config.graceMs * 0.75);
    // Publishes already being handled finish first, so their events reach the streams below.
    await waitUntil(() => inflightPublishes === 0, streamsDeadline);
    const hints: number[] = [];
    for (const s of streams) {
      const retryMs = config.retryMs + jitter(random, config.shutdownJitterMs);
      hints.push(retryMs);
      s.shutdown(retryMs);
    }
    // Stop listening only after the streams are done: Node treats a connection whose response was
    // ended as idle, and closing idle connections would drop a retry hint still in the buffer.
    const allEnded = await waitUntil(() => streams.size === 0 && inflightPublishes === 0, streamsDeadline);
    if (!allEnded) {
      logger.warn('grace deadline: cutting streams that did not finish', {
        streams: streams.size,
        inflightPublishes,
      });
      for (const s of streams) s.cut('shutdown');
      await waitUntil(() => streams.size === 0, Date.now() + 1000); // 'close' follows destroy() shortly
    }
    await new Promise<void>((resolve) => {
      if (!server.listening) resolve();
      else server.close(() => resolve());
      server.closeAllConnections();
    });
    unsubscribe?.();
    if (log) await log.close();
    // Exporting the last spans must not eat the grace period (an OTLP collector may be down).
    const remaining = Math.max(100, started + config.graceMs - Date.now() - 500);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      tracing
        .shutdown()
        .catch((err: Error) => logger.warn('trace export at shutdown failed', { error: err.message })),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(2000, remaining)))),
    ]);
    clearTimeout(timer);
    metrics.stop();
    logger.info('shutdown complete', {
      ms: Date.now() - started,
      retryHintsMs: hints.length ? { min: Math.min(...hints), max: Math.max(...hints) } : null,
      lastId: log && log.lastSeq > 0 ? log.positionId(log.lastSeq) : null,
    });
  }

  return {
    get url() {
      return url;
    },
    get config() {
      return config;
    },
    get metrics() {
      return metrics;
    },
    get eventLog() {
      if (!log) throw new Error('eventLog is available after listen()');
      return log;
    },
    get openStreams() {
      return streams.size;
    },
    async listen(): Promise<string> {
      if (log) throw new Error('listen() was already called');
      log = await openLog(config, logger);
      const eventLog = log;
      unsubscribe = eventLog.onCommit((ev) => {
        let written = 0;
        for (const s of streams) {
          try {
            if (s.onCommit(ev)) written += 1;
          } catch (err) {
            logger.error('stream failed on commit', { error: (err as Error).message });
            s.cut('error');
          }
        }
        // Fan-out is synchronous: one sample per event, taken when every live stream has it.
        if (written > 0) {
          metrics.eventsWritten.inc(written);
          if (ev.receivedAt !== undefined) {
            metrics.publishToWrite.observe((performance.now() - ev.receivedAt) / 1000);
          }
        }
      });
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(config.port, config.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        await eventLog.close();
        throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const addr = server.address() as AddressInfo;
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      url = `http://${host}:${addr.port}`;
      return url;
    },
    close(): Promise<void> {
      closing ??= close();
      return closing;
    },
  };
}
