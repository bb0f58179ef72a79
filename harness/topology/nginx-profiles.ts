/**
 * Nginx profiles: the good configuration for SSE and named misconfigurations, each with the symptom
 * it produces. One template (docker/nginx/nginx.conf.template) plus this table; rendering is a pure
 * function so the configs are unit-testable and identical in both runtimes.
 *
 * Scenarios run time-compressed (heartbeat ~1 s), so timeouts are derived from `heartbeatMs`.
 */
import { readFileSync } from 'node:fs';
import { TopologyConfigError } from './errors.ts';

/** Knobs scenarios may turn. Everything has a default; timeouts follow the heartbeat. */
export interface ProfileParams {
  /** The target's heartbeat interval; `short-read-timeout` cuts below it, `good` stays far above. Default 1000. */
  heartbeatMs?: number;
  /** Override proxy_read_timeout (ms). */
  readTimeoutMs?: number;
  /** worker_connections (default 1024; `low-worker-connections`: 16; each proxied stream costs 2). */
  workerConnections?: number;
  /** worker_shutdown_timeout for `worker-shutdown-timeout` (ms, default 1000). */
  workerShutdownTimeoutMs?: number;
  /** Concurrent connections per client address for `limit-conn` (default 8). */
  limitConn?: number;
  /** proxy_cache_lock_timeout for `proxy-cache` (ms, default 5000, nginx's default). */
  cacheLockTimeoutMs?: number;
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
  pidPath: string;
  errorLog: string;
  /** A path, or `off`. */
  accessLog: string;
  /** Folder for every *_temp_path and the proxy cache. */
  tempDir: string;
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
  workerShutdownTimeoutMs: 1000,
  limitConn: 8,
  cacheLockTimeoutMs: 5000,
  honorAccelBuffering: false,
};

/** `good`'s read timeout: nginx's 60 s default, or 10 heartbeats if that is longer. */
const comfortable = (p: Required<ProfileParams>): number =>
  p.readTimeoutMs || Math.max(60_000, p.heartbeatMs * 10);
const ignoreAccel = (p: Required<ProfileParams>): string[] =>
  p.honorAccelBuffering ? [] : ['proxy_ignore_headers X-Accel-Buffering;'];

const good = (p: Required<ProfileParams>): Directives => ({
  httpVersion: '1.1',
  buffering: false,
  readTimeoutMs: comfortable(p),
  workerConnections: p.workerConnections,
  location: ['proxy_cache off;', 'gzip off;'],
});

const PROFILES: Record<string, ProfileDef> = {
  good: {
    description:
      'HTTP/1.1 upstream, Connection "", buffering/cache/gzip off, read timeout far above the heartbeat.',
    symptom: 'none: events arrive as published, idle streams stay open.',
    directives: good,
  },
  'buffered-http10': {
    description:
      'proxy_buffering on with an HTTP/1.0 upstream (the pre-1.29.7 default), X-Accel-Buffering ignored.',
    symptom:
      'nothing reaches the client, not even the status line, until ~4 KiB accumulate; then 4 KiB at a time, cutting events mid-record.',
    directives: (p) => ({
      ...good(p),
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
      ...good(p),
      readTimeoutMs: p.readTimeoutMs || Math.max(1, Math.round(p.heartbeatMs * 0.6)),
    }),
  },
  'gzip-buffered': {
    description: 'gzip on for text/event-stream with proxy_buffering on (X-Accel-Buffering ignored).',
    symptom:
      'for clients sending Accept-Encoding: gzip (every browser), events are held in the compressor until its buffers fill.',
    directives: (p) => ({
      ...good(p),
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
      ...good(p),
      workerConnections: p.workerConnections === DEFAULTS.workerConnections ? 16 : p.workerConnections,
    }),
  },
  'proxy-cache': {
    description:
      'proxy_cache with proxy_cache_lock on the stream (Cache-Control and X-Accel-Buffering ignored).',
    symptom:
      'the second subscriber waits on the cache lock (cacheLockTimeoutMs) before it gets a stream; a finished stream can be replayed stale.',
    directives: (p, placement) => ({
      ...good(p),
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
    directives: (p) => ({ ...good(p), main: [`worker_shutdown_timeout ${p.workerShutdownTimeoutMs}ms;`] }),
  },
  'limit-conn': {
    description: 'limit_conn per client address (default 8) with status 503.',
    symptom: 'streams beyond the limit get 503; a browser EventSource then stops for good.',
    directives: (p) => ({
      ...good(p),
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
    directives: (p) => ({ ...good(p), httpVersion: '1.0' }),
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

function resolveParams(params: ProfileParams = {}): Required<ProfileParams> {
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

const templatePath = new URL('../../docker/nginx/nginx.conf.template', import.meta.url);
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
  (lines ?? []).map((l) => `${' '.repeat(spaces)}${l}`).join('\n');

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
  const values: Record<string, string> = {
    profile,
    generation: String(options.generation ?? 1),
    symptom: def.symptom,
    pidPath: placement.pidPath,
    errorLog: placement.errorLog,
    accessLog: placement.accessLog,
    tempDir: placement.tempDir,
    listen: placement.listen,
    upstream: placement.upstream,
    mainDirectives: (d.main ?? []).join('\n'),
    workerConnections: String(d.workerConnections),
    httpDirectives: indent(d.http, 4),
    httpVersion: d.httpVersion,
    upstreamConnection: d.httpVersion === '1.1' ? '' : 'close',
    buffering: d.buffering ? 'on' : 'off',
    readTimeoutMs: String(d.readTimeoutMs),
    locationDirectives: indent(d.location, 12),
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
