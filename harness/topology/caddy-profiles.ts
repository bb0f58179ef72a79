/**
 * Caddy profiles (Debian 12's Caddy 2.6.2): the good configuration for SSE and named
 * misconfigurations, each with the symptom it produces (checked against the real binary), plus
 * Envoy's default route timeout, emulated by Caddy's server write timeout (a stream cut at a fixed
 * age). Rendering is pure so the configs are unit-testable.
 *
 * What Caddy 2.6.2 does to a stream: reverse_proxy flushes text/event-stream responses itself,
 * whatever `flush_interval` says, and `encode` leaves them uncompressed (both checked: neither
 * delays an event, so neither is a profile); the transport's `read_timeout` cuts a stream whose
 * upstream is quiet (the client sees a clean end of the response); the server's `timeouts { write }`
 * is a deadline from the request, so every stream is cut at that age however busy it is. Caddy learns
 * that a client went away only from a failed write, so the upstream stream lives on a few heartbeats.
 */
import { TopologyConfigError } from './errors.ts';
import { resolveParams, retryBuckets, unavailableRetryRange, type ProfileParams } from './nginx-profiles.ts';
import { UPSTREAM_HEADER } from '../history/upstream-header.ts';
import { PROBE_PATH } from './nginx-probe.ts';
import type { ProxyPlacement, RenderMeta } from './proxy-placement.ts';

interface Settings {
  /** reverse_proxy transport http read_timeout (ms), if any. */
  readTimeoutMs?: number;
  /** servers { timeouts { write } } (ms), if any. */
  writeTimeoutMs?: number;
  /** 200 + a retry: for an event-stream request when the upstream is unavailable. */
  sseUnavailableRetry?: { minMs: number; maxMs: number };
}

export interface CaddyProfileDef {
  description: string;
  symptom: string;
  /** For emulated intermediaries: what real component this reproduces, and how it is scaled. */
  emulates?: string;
  settings(p: Required<ProfileParams>): Settings;
}

const scaled = (p: Required<ProfileParams>, factor: number): number =>
  p.readTimeoutMs || Math.max(1, Math.round(p.heartbeatMs * factor));

export const CADDY_PROFILES: Record<string, CaddyProfileDef> = {
  good: {
    description:
      'reverse_proxy with flush_interval -1, no timeouts on the stream; an event-stream request meeting an ' +
      'unavailable upstream (502/503/504) gets 200 + a retry: hint (handle_errors), jittered by the client port.',
    symptom: 'none: events arrive as published, idle streams stay open, clients retry through restarts.',
    settings: (p) => ({ sseUnavailableRetry: unavailableRetryRange(p) }),
  },
  'bare-errors': {
    description: "good without the SSE error page: Caddy's 502 reaches event-stream clients.",
    symptom:
      'browsers stop for good when the upstream is briefly down: a browser EventSource treats any non-200 as fatal.',
    settings: () => ({}),
  },
  'read-timeout': {
    description: 'reverse_proxy transport http read_timeout below the heartbeat interval (60% of it).',
    symptom:
      'a stream whose upstream stays quiet longer than read_timeout ends ("reading from backend: i/o timeout"); ' +
      'the client sees a clean end of the response, not an error.',
    settings: (p) => ({ readTimeoutMs: scaled(p, 0.6) }),
  },
  'write-timeout': {
    description:
      'servers { timeouts { write } } set (to 2 heartbeats): a deadline on the whole response, not an idle timer.',
    symptom:
      'every stream is cut at the same age, however busy (heartbeats do not help); clients reconnect in lockstep.',
    settings: (p) => ({ writeTimeoutMs: scaled(p, 2) }),
  },
  'envoy-route-timeout': {
    description:
      "emulates Envoy's default route timeout (15 s unless `timeout: 0s`) on a stream with a 10 s heartbeat: " +
      "Caddy's server write timeout at 1.5 heartbeats, a deadline from the request.",
    emulates: "Envoy's default 15 s route timeout with a 10 s heartbeat (scaled: deadline = 1.5 x heartbeat)",
    symptom: 'every stream is cut at a fixed age (15 s in production), however busy it is.',
    settings: (p) => ({ writeTimeoutMs: scaled(p, 1.5) }),
  },
};

export function isCaddyProfile(name: string): boolean {
  return Object.hasOwn(CADDY_PROFILES, name);
}

/** Caddy has no random placeholder: the retry is picked by the last digit of the client's port. */
function ssePage(range: { minMs: number; maxMs: number }): string[] {
  const values = retryBuckets(range.minMs, range.maxMs, 10);
  return [
    '    # SSE error page: an unavailable upstream becomes a retry hint; a browser EventSource treats any',
    "    # non-200 as fatal. Caddy has no random placeholder: the client port's last digit picks the jitter.",
    '    map {http.request.remote.port} {sse_retry_ms} {',
    ...values.slice(0, -1).map((v, i) => `        ~${i}$ ${v}`),
    `        default ${values.at(-1)}`,
    '    }',
    '    handle_errors {',
    '        @sse_unavailable {',
    '            expression {http.error.status_code} in [502, 503, 504]',
    '            header Accept *text/event-stream*',
    '        }',
    '        handle @sse_unavailable {',
    '            header Content-Type text/event-stream',
    '            header Cache-Control no-cache',
    '            respond "retry: {sse_retry_ms}',
    '',
    '" 200',
    '        }',
    '    }',
  ];
}

function upstreamsOf(placement: ProxyPlacement): readonly string[] {
  return placement.upstreams && placement.upstreams.length > 1 ? placement.upstreams : [placement.upstream];
}

/**
 * Several instances: round robin (no stickiness), a request that meets a dead instance is tried on
 * the next for up to a second, and every response names the upstream that served it.
 */
function clusterLines(placement: ProxyPlacement): string[] {
  if (upstreamsOf(placement).length < 2) return [];
  return [
    '        lb_policy round_robin',
    '        lb_try_duration 1s',
    '        fail_duration 1s',
    '        # Which instance served the stream (sse-chaos maps the address back to the instance).',
    `        header_down +${UPSTREAM_HEADER} {http.reverse_proxy.upstream.hostport}`,
  ];
}

/** Renders a Caddyfile for a profile. Pure; throws TopologyConfigError on bad input. */
export function renderCaddyConfig(
  profile: string,
  placement: ProxyPlacement,
  meta: RenderMeta,
  params?: ProfileParams,
): string {
  const def = CADDY_PROFILES[profile];
  if (!def || !isCaddyProfile(profile)) {
    throw new TopologyConfigError(
      `unknown caddy profile "${profile}"; known: ${Object.keys(CADDY_PROFILES).join(', ')}`,
    );
  }
  const s = def.settings(resolveParams(params));
  return [
    `# sse-chaos Caddyfile: profile "${meta.profile}" (generation ${meta.generation}), rendered by`,
    `# harness/topology/caddy-profiles.ts. Symptom: ${def.symptom}`,
    '{',
    `    admin ${placement.admin}`,
    '    auto_https off',
    ...(s.writeTimeoutMs !== undefined
      ? [
          '    servers {',
          '        timeouts {',
          `            write ${s.writeTimeoutMs}ms`,
          '        }',
          '    }',
        ]
      : []),
    '}',
    '',
    `http://${placement.listen} {`,
    '    # Readiness and "which config is live" probe: the generation changes on every reload.',
    `    @sse_chaos_probe path ${PROBE_PATH}`,
    `    respond @sse_chaos_probe "${meta.profile} ${meta.generation}`,
    '" 200',
    ...(s.sseUnavailableRetry ? ssePage(s.sseUnavailableRetry) : []),
    `    reverse_proxy ${upstreamsOf(placement).join(' ')} {`,
    '        flush_interval -1',
    ...clusterLines(placement),
    ...(s.readTimeoutMs !== undefined
      ? ['        transport http {', `            read_timeout ${s.readTimeoutMs}ms`, '        }']
      : []),
    '    }',
    '}',
    '',
  ].join('\n');
}
