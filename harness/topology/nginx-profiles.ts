/**
 * Nginx profiles: the good configuration for SSE and named misconfigurations, each with the symptom
 * it produces. One template (docker/nginx/nginx.conf.template) plus this table; rendering is a pure
 * function so the configs are unit-testable and identical in both runtimes.
 *
 * Scenarios run time-compressed (heartbeat ~1 s), so timeouts are derived from `heartbeatMs`.
 *
 * `good` adds the SSE error page (see ssePage): an event-stream request meeting an unavailable
 * upstream gets 200 + a jittered `retry:` instead of 502/503, which a browser EventSource would treat
 * as fatal. `bare-errors` is good without it; the misconfigurations build on `bare-errors` so each
 * shows its own symptom alone (limit-conn's 503 must reach the client to be seen).
 */
import { readFileSync } from 'node:fs';
import { UPSTREAM_HEADER } from '../history/upstream-header.ts';
import { packageFile } from '../package-layout.ts';
import { TopologyConfigError } from './errors.ts';

/** Knobs scenarios may turn. Everything has a default; timeouts follow the heartbeat. */
export interface ProfileParams {
  /** The target's heartbeat interval; `short-read-timeout` cuts below it, `good` stays far above. Default 1000. */
  heartbeatMs?: number;
  /** Override proxy_read_timeout (ms). */
  readTimeoutMs?: number;
  /** worker_connections (default 1024; `low-worker-connections`: 16; each proxied stream costs 2). */
  workerConnections?: number;
  /**
   * worker_processes (default 1). A worker holds 2 descriptors per stream and the open-file limit binds
   * per process, so a large fleet needs several; with more than one, the listener gets `reuseport` so
   * the kernel spreads connections evenly over them.
   */
  workerProcesses?: number;
  /** worker_shutdown_timeout for `worker-shutdown-timeout` (ms, default 1000). */
  workerShutdownTimeoutMs?: number;
  /** Concurrent connections per client address for `limit-conn` (default 8). */
  limitConn?: number;
  /** proxy_cache_lock_timeout for `proxy-cache` (ms, default 5000, nginx's default). */
  cacheLockTimeoutMs?: number;
  /**
   * The `retry:` range nginx answers an event-stream request with while the upstream is unavailable
   * (502/503/504; SSE-aware profiles only), jittered per request over [min, max] so clients do not
   * come back together. Defaults follow the heartbeat: [1 x, 3 x] heartbeatMs, which matches the
   * time-compressed target's own retry (1000 ms + random [0, 2000)). In production set it to the
   * target's `--retry-ms` .. `--retry-ms + --retry-jitter-ms`.
   */
  unavailableRetryMinMs?: number;
  unavailableRetryMaxMs?: number;
  /**
   * Honor the upstream's `X-Accel-Buffering: no` in buffering profiles. Default false: the reference
   * server sends it (as it should), and the buffering profiles model a proxy that buffers anyway.
   */
  honorAccelBuffering?: boolean;
}

/** Where the rendered config lives and what it talks to (differs per runtime, not per profile). */
export interface Placement {
  /** `listen` value: `127.0.0.1:PORT` locally, `8080` in a container. */
  listen: string;
  /** The upstream `server`: the origin proxy, e.g. `127.0.0.1:PORT` or `toxiproxy:8668`. */
  upstream: string;
  /**
   * Several instances of the target, each behind its own origin leg: the upstream block lists them
   * all (round robin, no stickiness) and every proxied response names its server in UPSTREAM_HEADER.
   * One (or none) renders exactly the single-server config.
   */
  upstreams?: readonly string[];
  /** More upstream servers (round-robin with `upstream`): the origin legs of further toxiproxy processes. */
  moreUpstreams?: readonly string[];
  pidPath: string;
  errorLog: string;
  /** A path, or `off`. */
  accessLog: string;
  /** Folder for every *_temp_path and the proxy cache. */
  tempDir: string;
  /** Clients speak TLS to nginx (and HTTP/2 when `http2`), with this certificate and key (PEM paths). */
  tls?: { certPath: string; keyPath: string; http2: boolean };
}

/** The `listen` parameters and the server-level directives of a TLS placement (none without TLS). */
function tlsLines(tls: Placement['tls']): { listenOptions: string; directives: string[] } {
  if (!tls) return { listenOptions: '', directives: [] };
  return {
    // nginx 1.22 enables HTTP/2 as a listen parameter (`http2 on;` exists only from 1.25.1).
    listenOptions: tls.http2 ? ' ssl http2' : ' ssl',
    directives: [
      `ssl_certificate ${tls.certPath};`,
      `ssl_certificate_key ${tls.keyPath};`,
      'ssl_protocols TLSv1.2 TLSv1.3;',
    ],
  };
}

/** What a profile decides. */
interface Directives {
  httpVersion: '1.0' | '1.1';
  buffering: boolean;
  readTimeoutMs: number;
  workerConnections: number;
  main?: string[];
  http?: string[];
  location?: string[];
  /**
   * Event-stream requests (Accept contains text/event-stream) whose upstream is unavailable get
   * `200` + a jittered `retry:` instead of the error, so a browser EventSource keeps retrying.
   */
  sseUnavailableRetry?: { minMs: number; maxMs: number };
}

interface ProfileDef {
  description: string;
  /** What a client sees, so a report can name the cause. */
  symptom: string;
  directives(p: Required<ProfileParams>, placement: Placement): Directives;
}

const DEFAULTS: Required<ProfileParams> = {
  heartbeatMs: 1000,
  readTimeoutMs: 0, // 0 = derived per profile
  workerConnections: 1024,
  workerProcesses: 1,
  workerShutdownTimeoutMs: 1000,
  limitConn: 8,
  cacheLockTimeoutMs: 5000,
  unavailableRetryMinMs: 0, // 0 = derived from the heartbeat
  unavailableRetryMaxMs: 0,
  honorAccelBuffering: false,
};

/**
 * The unavailable-upstream retry range: the params, else [1 x, 3 x] heartbeat. Throws when the
 * explicit range is inverted (a typo there would silently disable the jitter).
 */
export function unavailableRetryRange(p: Required<ProfileParams>): { minMs: number; maxMs: number } {
  const minMs = p.unavailableRetryMinMs || p.heartbeatMs;
  const maxMs = p.unavailableRetryMaxMs || Math.max(minMs, 3 * p.heartbeatMs);
  if (maxMs < minMs) {
    throw new TopologyConfigError(
      `profile parameters: unavailableRetryMaxMs (${maxMs}) must be >= unavailableRetryMinMs (${minMs})`,
    );
  }
  return { minMs, maxMs };
}

/** `good`'s read timeout: nginx's 60 s default, or 10 heartbeats if that is longer. */
const comfortable = (p: Required<ProfileParams>): number =>
  p.readTimeoutMs || Math.max(60_000, p.heartbeatMs * 10);
const ignoreAccel = (p: Required<ProfileParams>): string[] =>
  p.honorAccelBuffering ? [] : ['proxy_ignore_headers X-Accel-Buffering;'];

/** `good` without the SSE error page: what `bare-errors` keeps, and every misconfiguration builds on. */
const bare = (p: Required<ProfileParams>): Directives => ({
  httpVersion: '1.1',
  buffering: false,
  readTimeoutMs: comfortable(p),
  workerConnections: p.workerConnections,
  location: ['proxy_cache off;', 'gzip off;'],
});

const good = (p: Required<ProfileParams>): Directives => ({
  ...bare(p),
  sseUnavailableRetry: unavailableRetryRange(p),
});

const PROFILES: Record<string, ProfileDef> = {
  good: {
    description:
      'HTTP/1.1 upstream, Connection "", buffering/cache/gzip off, read timeout far above the heartbeat; ' +
      'an event-stream request meeting an unavailable upstream (502/503/504) gets 200 + a jittered retry: hint.',
    symptom: 'none: events arrive as published, idle streams stay open, clients retry through restarts.',
    directives: good,
  },
  'bare-errors': {
    description:
      'good without the SSE error page: while the target restarts or drains, nginx passes 502/503 to event-stream clients.',
    symptom:
      'browsers stop for good when the upstream is briefly down: a browser EventSource treats any non-200 as fatal and never reconnects.',
    directives: bare,
  },
  'buffered-http10': {
    description:
      'proxy_buffering on with an HTTP/1.0 upstream (the pre-1.29.7 default), X-Accel-Buffering ignored.',
    symptom:
      'nothing reaches the client, not even the status line, until ~4 KiB accumulate; then 4 KiB at a time, cutting events mid-record.',
    directives: (p) => ({
      ...bare(p),
      httpVersion: '1.0',
      buffering: true,
      location: ['proxy_cache off;', 'gzip off;', ...ignoreAccel(p)],
    }),
  },
  'short-read-timeout': {
    description: 'proxy_read_timeout below the heartbeat interval (default 60% of it).',
    symptom:
      'an idle stream is cut without an error (after headers: no 504, the connection just ends) before each heartbeat.',
    directives: (p) => ({
      ...bare(p),
      readTimeoutMs: p.readTimeoutMs || Math.max(1, Math.round(p.heartbeatMs * 0.6)),
    }),
  },
  'gzip-buffered': {
    description: 'gzip on for text/event-stream with proxy_buffering on (X-Accel-Buffering ignored).',
    symptom:
      'for clients sending Accept-Encoding: gzip (every browser), events are held in the compressor until its buffers fill.',
    directives: (p) => ({
      ...bare(p),
      buffering: true,
      location: [
        'proxy_cache off;',
        'gzip on;',
        'gzip_types text/event-stream;',
        'gzip_min_length 0;',
        'gzip_proxied any;',
        ...ignoreAccel(p),
      ],
    }),
  },
  'low-worker-connections': {
    description: 'worker_connections too low for the fleet (default 16; each proxied stream costs 2).',
    symptom:
      'new connections are reset or closed without a response once the limit is reached ("worker_connections are not enough").',
    directives: (p) => ({
      ...bare(p),
      workerConnections: p.workerConnections === DEFAULTS.workerConnections ? 16 : p.workerConnections,
    }),
  },
  'proxy-cache': {
    description:
      'proxy_cache with proxy_cache_lock on the stream (Cache-Control and X-Accel-Buffering ignored).',
    symptom:
      'the second subscriber waits on the cache lock (cacheLockTimeoutMs) before it gets a stream; a finished stream can be replayed stale.',
    directives: (p, placement) => ({
      ...bare(p),
      buffering: true,
      http: [
        `proxy_cache_path ${placement.tempDir}/cache levels=1 keys_zone=sse_cache:1m max_size=64m inactive=1m;`,
      ],
      location: [
        'proxy_cache sse_cache;',
        'proxy_cache_lock on;',
        `proxy_cache_lock_timeout ${p.cacheLockTimeoutMs}ms;`,
        'proxy_cache_valid 200 1m;',
        'proxy_ignore_headers Cache-Control Expires X-Accel-Buffering Set-Cookie;',
        'gzip off;',
      ],
    }),
  },
  'worker-shutdown-timeout': {
    description: 'good, plus worker_shutdown_timeout (default 1000 ms): a reload cuts open streams.',
    symptom:
      'about workerShutdownTimeoutMs after each reload, every stream opened before it is closed (clients must reconnect).',
    directives: (p) => ({ ...bare(p), main: [`worker_shutdown_timeout ${p.workerShutdownTimeoutMs}ms;`] }),
  },
  'limit-conn': {
    description: 'limit_conn per client address (default 8) with status 503.',
    symptom: 'streams beyond the limit get 503; a browser EventSource then stops for good.',
    directives: (p) => ({
      ...bare(p),
      http: ['limit_conn_zone $binary_remote_addr zone=sse_perip:1m;'],
      location: [
        'proxy_cache off;',
        'gzip off;',
        `limit_conn sse_perip ${p.limitConn};`,
        'limit_conn_status 503;',
      ],
    }),
  },
  'http10-unbuffered': {
    description:
      'HTTP/1.0 upstream with buffering off: events flow, but the end of a response is only the close.',
    symptom:
      'a target crash mid-stream looks like a clean end of stream to the client (no truncated-chunk error).',
    directives: (p) => ({ ...bare(p), httpVersion: '1.0' }),
  },
};

export interface ProfileInfo {
  name: string;
  description: string;
  symptom: string;
}

/** Every profile with what it configures and the symptom it produces. */
export function listProfiles(): ProfileInfo[] {
  return Object.entries(PROFILES).map(([name, def]) => ({
    name,
    description: def.description,
    symptom: def.symptom,
  }));
}

export function isProfile(name: string): boolean {
  return Object.hasOwn(PROFILES, name);
}

export function resolveParams(params: ProfileParams = {}): Required<ProfileParams> {
  const out = { ...DEFAULTS };
  for (const [key, value] of Object.entries(params) as Array<[keyof ProfileParams, unknown]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULTS)) {
      throw new TopologyConfigError(
        `unknown nginx profile parameter "${key}"; known: ${Object.keys(DEFAULTS).join(', ')}`,
      );
    }
    if (key === 'honorAccelBuffering') {
      if (typeof value !== 'boolean')
        throw new TopologyConfigError(
          `profile parameter "${key}" must be a boolean, got ${JSON.stringify(value)}`,
        );
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new TopologyConfigError(
        `profile parameter "${key}" must be a positive integer, got ${JSON.stringify(value)}`,
      );
    }
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

const templatePath = packageFile('docker', 'nginx', 'nginx.conf.template');
let cachedTemplate: string | undefined;

/** The committed template (read once). */
export function defaultTemplate(): string {
  cachedTemplate ??= readFileSync(templatePath, 'utf8');
  return cachedTemplate;
}

export interface RenderOptions {
  placement: Placement;
  params?: ProfileParams;
  /** Changes on every reload so the readiness probe can tell the new config is live. */
  generation?: number;
  template?: string;
}

const indent = (lines: string[] | undefined, spaces: number): string =>
  (lines ?? []).map((l) => (l === '' ? '' : `${' '.repeat(spaces)}${l}`)).join('\n');

/** The servers of several instances, or none for one. */
function clusterOf(placement: Placement): readonly string[] {
  return placement.upstreams && placement.upstreams.length > 1 ? placement.upstreams : [];
}

/**
 * The `upstream target` block's servers. Several instances: round robin (no stickiness), and a stream
 * request that meets a dead or draining instance moves to the next one (a GET is safe to retry).
 * `max_fails=0`: nginx's passive health check does not suit streams. A failed server is retried once
 * per fail_timeout, and its failure count resets only when a request to it *completes*; an SSE stream
 * never does, so after one failure per server (a rolling restart) nginx answers "no live upstreams" to
 * nearly every new stream for as long as the streams that got through stay open (measured).
 */
function upstreamServers(placement: Placement): string[] {
  const cluster = clusterOf(placement);
  if (cluster.length === 0)
    return [placement.upstream, ...(placement.moreUpstreams ?? [])].map((u) => `server ${u};`);
  return cluster.map((u) => `server ${u} max_fails=0;`);
}

/** What a location adds with several instances: failover to the next one, and which one served. */
function clusterLines(placement: Placement): string[] {
  if (clusterOf(placement).length === 0) return [];
  return [
    'proxy_next_upstream error timeout http_502 http_503 http_504;',
    '# Which instance served the stream (sse-chaos maps the address back to the instance).',
    `add_header ${UPSTREAM_HEADER} $upstream_addr always;`,
  ];
}

/** How a location proxies to the target; shared by `location /` and `@sse_stream` so they cannot drift. */
function proxyLines(d: Directives, placement: Placement): string[] {
  return [
    'proxy_pass http://target;',
    '# Set explicitly: the upstream default is 1.0 before nginx 1.29.7 and 1.1 after.',
    `proxy_http_version ${d.httpVersion};`,
    `proxy_set_header Connection "${d.httpVersion === '1.1' ? '' : 'close'}";`,
    'proxy_set_header Host $http_host;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    `proxy_buffering ${d.buffering ? 'on' : 'off'};`,
    `proxy_read_timeout ${d.readTimeoutMs}ms;`,
    ...(d.location ?? []),
    ...clusterLines(placement),
  ];
}

/** Buckets of the per-request retry jitter (split_clients needs a fixed table; 5% each). */
const RETRY_BUCKETS = 20;

/** The retry values of the buckets, spread evenly over [minMs, maxMs]. Pure, for the tests. */
export function retryBuckets(minMs: number, maxMs: number, buckets = RETRY_BUCKETS): number[] {
  return Array.from({ length: buckets }, (_, i) =>
    Math.round(minMs + ((maxMs - minMs) * i) / Math.max(1, buckets - 1)),
  );
}

/**
 * The SSE error page: http-level variables, the routing in `location /`, and the two named
 * locations. Event-stream requests (by Accept) are proxied from `@sse_stream`, where a 502/503/504
 * (target down, restarting or draining) becomes `200` + `retry: N` with N jittered per request: a
 * browser EventSource treats any non-200 as fatal, but a 200 stream that ends is a reconnect after
 * `retry`. Other requests (/metrics, /readyz, publishes) never enter it and keep their real status
 * and body. The 418 detour is the documented-safe use of `if` in a location (a bare `return`).
 */
function ssePage(
  d: Directives,
  placement: Placement,
): { http: string[]; routing: string[]; locations: string[] } {
  const range = d.sseUnavailableRetry;
  if (!range) return { http: [], routing: [], locations: [] };
  const values = retryBuckets(range.minMs, range.maxMs);
  const pct = `${100 / RETRY_BUCKETS}%`;
  return {
    http: [
      '# SSE error page (see location @sse_unavailable): which requests, and their jittered retry.',
      'map $http_accept $sse_wants_stream {',
      '    default 0;',
      '    "~*text/event-stream" 1;',
      '}',
      'split_clients "${request_id}" $sse_retry_ms {',
      ...values.slice(0, -1).map((v) => `    ${pct} ${v};`),
      `    * ${values.at(-1)};`,
      '}',
    ],
    routing: [
      '# Event-stream requests go through @sse_stream, where an unavailable upstream becomes a retry hint.',
      'error_page 418 = @sse_stream;',
      '# A second error_page (in @sse_stream) is allowed only where the first one was taken.',
      'recursive_error_pages on;',
      'if ($sse_wants_stream) {',
      '    return 418;',
      '}',
    ],
    locations: [
      '',
      'location @sse_stream {',
      ...proxyLines(d, placement).map((l) => `    ${l}`),
      '    proxy_intercept_errors on;',
      '    error_page 502 503 504 = @sse_unavailable;',
      '}',
      '',
      '# 200 + only a retry hint: the EventSource reconnects after N ms instead of giving up for good.',
      'location @sse_unavailable {',
      '    default_type text/event-stream;',
      '    add_header Cache-Control no-cache always;',
      '    return 200 "retry: $sse_retry_ms\\n\\n";',
      '}',
    ],
  };
}

/** Renders nginx.conf for a profile. Pure (given the template); throws TopologyConfigError on bad input. */
export function renderNginxConfig(profile: string, options: RenderOptions): string {
  const def = PROFILES[profile];
  if (!def || !isProfile(profile)) {
    throw new TopologyConfigError(
      `unknown nginx profile "${profile}"; known: ${Object.keys(PROFILES).join(', ')}`,
    );
  }
  const params = resolveParams(options.params);
  const { placement } = options;
  const d = def.directives(params, placement);
  const sse = ssePage(d, placement);
  const tls = tlsLines(placement.tls);
  const values: Record<string, string> = {
    profile,
    generation: String(options.generation ?? 1),
    symptom: def.symptom,
    pidPath: placement.pidPath,
    errorLog: placement.errorLog,
    accessLog: placement.accessLog,
    tempDir: placement.tempDir,
    listen: params.workerProcesses > 1 ? `${placement.listen} reuseport` : placement.listen,
    listenOptions: tls.listenOptions,
    tlsDirectives: indent(tls.directives, 8),
    upstream: placement.upstream,
    upstreamServers: indent(upstreamServers(placement), 8),
    workerProcesses: String(params.workerProcesses),
    mainDirectives: (d.main ?? []).join('\n'),
    workerConnections: String(d.workerConnections),
    httpDirectives: indent([...(d.http ?? []), ...sse.http], 4),
    sseRouting: indent(sse.routing, 12),
    proxyDirectives: indent(proxyLines(d, placement), 12),
    sseLocations: indent(sse.locations, 8),
  };
  const rendered = (options.template ?? defaultTemplate()).replace(/\{\{(\w+)\}\}/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined)
      throw new TopologyConfigError(`nginx template has an unknown placeholder {{${key}}}`);
    return value;
  });
  // Blank lines left by empty directive lists are harmless but noisy in the report.
  return rendered.replace(/\n{3,}/g, '\n\n');
}
