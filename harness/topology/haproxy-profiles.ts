/**
 * HAProxy profiles (Debian 12's HAProxy 2.6): the good configuration for SSE and named
 * misconfigurations, each with the symptom it produces (checked against the real binary), plus the
 * emulated intermediaries that HAProxy settings reproduce (a cloud load balancer's idle timeout, a
 * CDN's timeout and compression). Rendering is pure so the configs are unit-testable.
 *
 * Scenarios run time-compressed (heartbeat ~1 s): every timeout is derived from `heartbeatMs`, and an
 * emulation scales the real timeout by the heartbeat it would meet in production (its description
 * says by how much).
 *
 * What HAProxy does to a stream (2.6): it never buffers a response; `timeout server` and `timeout
 * client` are inactivity timers that cut a quiet stream (`timeout tunnel` applies only after an
 * upgrade, never to a plain SSE response); without `option http-no-delay` it coalesces the small
 * writes of an event stream into bursts; `compression` on text/event-stream keeps the tail of every
 * write in the compressor until the next write; `option http-buffer-request` buffers request bodies
 * only (an SSE GET has none: no symptom, so no profile).
 */
import { TopologyConfigError } from './errors.ts';
import { resolveParams, unavailableRetryRange, type ProfileParams } from './nginx-profiles.ts';
import { UPSTREAM_HEADER } from '../history/upstream-header.ts';
import { PROBE_PATH } from './nginx-probe.ts';
import type { ProxyPlacement, RenderMeta } from './proxy-placement.ts';

interface Settings {
  /** `option http-no-delay` (default on: without it HAProxy coalesces small writes). */
  noDelay?: boolean;
  clientTimeoutMs: number;
  serverTimeoutMs: number;
  /** `timeout tunnel` (only applies after an upgrade). */
  tunnelTimeoutMs?: number;
  /** 200 + a jittered retry: for an event-stream request when the upstream is unavailable. */
  sseUnavailableRetry?: { minMs: number; maxMs: number };
  /** Lines in the frontend (after the probe and routing) and in the backend. */
  frontend?: string[];
  backend?: string[];
}

export interface HaproxyProfileDef {
  description: string;
  symptom: string;
  /** For emulated intermediaries: what real component this reproduces, and how it is scaled. */
  emulates?: string;
  settings(p: Required<ProfileParams>): Settings;
}

/** `good`'s inactivity timeouts: 60 s, or 10 heartbeats if that is longer. */
const comfortable = (p: Required<ProfileParams>): number =>
  p.readTimeoutMs || Math.max(60_000, p.heartbeatMs * 10);
/** A timeout `factor` x the heartbeat, unless readTimeoutMs sets it. */
const scaled = (p: Required<ProfileParams>, factor: number): number =>
  p.readTimeoutMs || Math.max(1, Math.round(p.heartbeatMs * factor));

const bare = (p: Required<ProfileParams>): Settings => ({
  clientTimeoutMs: comfortable(p),
  serverTimeoutMs: comfortable(p),
});

const idle = (p: Required<ProfileParams>, factor: number): Settings => ({
  ...bare(p),
  clientTimeoutMs: scaled(p, factor),
  serverTimeoutMs: scaled(p, factor),
});

const COMPRESSION = ['compression algo gzip', 'compression type text/event-stream'];

export const HAPROXY_PROFILES: Record<string, HaproxyProfileDef> = {
  good: {
    description:
      'mode http, option http-no-delay, timeout client/server far above the heartbeat, no compression; an ' +
      'event-stream request meeting ' +
      'an unavailable upstream (502/503/504) gets 200 + a jittered retry: hint (http-error + http-after-response).',
    symptom: 'none: events arrive as published, idle streams stay open, clients retry through restarts.',
    settings: (p) => ({ ...bare(p), sseUnavailableRetry: unavailableRetryRange(p) }),
  },
  'bare-errors': {
    description: "good without the SSE error page: HAProxy's own 502/503 reach event-stream clients.",
    symptom:
      'browsers stop for good when the upstream is briefly down: a browser EventSource treats any non-200 as fatal.',
    settings: bare,
  },
  'delayed-writes': {
    description:
      "good without `option http-no-delay` (HAProxy's default): small writes may wait for more data.",
    symptom:
      'events arrive in bursts (~1.8 KiB at 40 events/s, measured on 2.6): HAProxy coalesces the small chunked ' +
      'writes of an event stream instead of forwarding each at once.',
    settings: (p) => ({ ...bare(p), noDelay: false }),
  },
  'short-timeouts': {
    description: 'timeout server and timeout client below the heartbeat interval (60% of it).',
    symptom:
      'a quiet stream is cut when either side stays silent longer than the timeout (log termination state sD/cD); ' +
      'the client sees a truncated chunked response.',
    settings: (p) => idle(p, 0.6),
  },
  'tunnel-timeout': {
    description:
      'the common advice "set timeout tunnel for SSE": timeout tunnel 1h, but timeout server/client below the heartbeat.',
    symptom:
      'identical to short-timeouts: timeout tunnel applies only after an upgrade (WebSocket, CONNECT), never to an ' +
      'SSE response, so quiet streams are still cut at timeout server/client.',
    settings: (p) => ({ ...idle(p, 0.6), tunnelTimeoutMs: 3_600_000 }),
  },
  compression: {
    description: 'compression algo gzip with compression type text/event-stream in the backend.',
    symptom:
      'for clients sending Accept-Encoding: gzip, the tail of every event waits in the compressor until the next ' +
      'write (the next event or heartbeat): events arrive up to a heartbeat late.',
    settings: (p) => ({ ...bare(p), backend: COMPRESSION }),
  },
  'cloud-lb-idle-timeout': {
    description:
      'emulates a cloud load balancer idle timeout (AWS ALB: 60 s by default) in front of a server whose ' +
      'heartbeat is longer (90 s): HAProxy timeout client/server at 60/90 of the heartbeat.',
    emulates:
      'a cloud load balancer 60 s idle timeout with a 90 s heartbeat (scaled: timeout = 0.67 x heartbeat)',
    symptom:
      'quiet streams are cut after the idle timeout: HTTP/2 PINGs and TCP keepalives do not reset it, only bytes do.',
    settings: (p) => idle(p, 60 / 90),
  },
  'cdn-idle-timeout': {
    description:
      "emulates a CDN's 100 s origin timeout (Cloudflare: a 524 before headers, a cut after) with a 120 s heartbeat: " +
      'HAProxy timeout client/server at 100/120 of the heartbeat.',
    emulates: "a CDN's 100 s timeout with a 120 s heartbeat (scaled: timeout = 0.83 x heartbeat)",
    symptom: 'streams quieter than the CDN timeout are cut; a heartbeat below it keeps them open.',
    settings: (p) => idle(p, 100 / 120),
  },
  'cdn-compression': {
    description:
      'emulates a CDN or compression middleware that compresses text/event-stream itself (compression offload ' +
      'in the frontend: the origin is asked for identity and the edge compresses).',
    emulates: 'a CDN/middleware compressing text/event-stream (HAProxy compression offload)',
    symptom:
      'events arrive compressed and late: each waits in the compressor until the next write; Cache-Control: ' +
      'no-transform from the origin is the usual guard where the CDN honours it.',
    settings: (p) => ({
      ...bare(p),
      frontend: ['compression algo gzip', 'compression type text/event-stream', 'compression offload'],
    }),
  },
};

export function isHaproxyProfile(name: string): boolean {
  return Object.hasOwn(HAPROXY_PROFILES, name);
}

/** The lines that turn an unavailable upstream into 200 + a jittered retry: for event-stream requests. */
function ssePage(range: { minMs: number; maxMs: number }): string[] {
  const width = Math.max(1, range.maxMs - range.minMs + 1);
  return [
    '    # SSE error page: an unavailable upstream becomes a retry hint, jittered per request; a browser',
    '    # EventSource treats any non-200 as fatal, a 200 stream that ends is a reconnect after `retry`.',
    ...[502, 503, 504].map(
      (code) =>
        `    http-error status ${code} content-type text/event-stream lf-string "retry: %[rand(${width}),add(${range.minMs})]\\n\\n" hdr cache-control no-cache`,
    ),
    '    http-after-response set-status 200 if { status 502:504 } { var(txn.sse) -m int 1 }',
  ];
}

/**
 * The backend's servers. Several instances: round robin (no stickiness), health-checked every 500 ms
 * so a dead instance is left out, a request that meets one is redispatched to another, and every
 * response names the server that answered in UPSTREAM_HEADER.
 */
function servers(placement: ProxyPlacement): string[] {
  const cluster = placement.upstreams && placement.upstreams.length > 1 ? placement.upstreams : [];
  if (cluster.length === 0) return [`    server target ${placement.upstream}`];
  return [
    '    balance roundrobin',
    '    option redispatch',
    '    retries 2',
    '    # Which instance served the stream (sse-chaos maps the address back to the instance).',
    `    http-response set-header ${UPSTREAM_HEADER} "%si:%sp"`,
    ...cluster.map((u, i) => `    server instance-${i + 1} ${u} check inter 500ms fall 1 rise 1`),
  ];
}

/** Renders haproxy.cfg for a profile. Pure; throws TopologyConfigError on bad input. */
export function renderHaproxyConfig(
  profile: string,
  placement: ProxyPlacement,
  meta: RenderMeta,
  params?: ProfileParams,
): string {
  const def = HAPROXY_PROFILES[profile];
  if (!def || !isHaproxyProfile(profile)) {
    throw new TopologyConfigError(
      `unknown haproxy profile "${profile}"; known: ${Object.keys(HAPROXY_PROFILES).join(', ')}`,
    );
  }
  const s = def.settings(resolveParams(params));
  return [
    `# sse-chaos haproxy config: profile "${meta.profile}" (generation ${meta.generation}), rendered by`,
    `# harness/topology/haproxy-profiles.ts. Symptom: ${def.symptom}`,
    'global',
    '    log stderr format raw local0 info',
    '',
    'defaults',
    '    mode http',
    '    log global',
    '    option httplog',
    ...(s.noDelay === false ? [] : ['    option http-no-delay']),
    '    timeout connect 2s',
    `    timeout client ${s.clientTimeoutMs}ms`,
    `    timeout server ${s.serverTimeoutMs}ms`,
    ...(s.tunnelTimeoutMs !== undefined ? [`    timeout tunnel ${s.tunnelTimeoutMs}ms`] : []),
    '',
    'frontend sse_chaos_in',
    `    bind ${placement.listen}`,
    '    # Readiness and "which config is live" probe: the generation changes on every reload.',
    `    http-request return status 200 content-type text/plain lf-string "${meta.profile} ${meta.generation}\\n" if { path ${PROBE_PATH} }`,
    '    http-request set-var(txn.sse) int(1) if { req.hdr(accept) -m sub text/event-stream }',
    ...(s.frontend ?? []).map((l) => `    ${l}`),
    '    default_backend sse_chaos_target',
    '',
    'backend sse_chaos_target',
    ...(s.sseUnavailableRetry ? ssePage(s.sseUnavailableRetry) : []),
    ...(s.backend ?? []).map((l) => `    ${l}`),
    ...servers(placement),
    '',
  ].join('\n');
}
