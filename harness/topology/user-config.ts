/**
 * The user's own proxy config (`--nginx-config FILE`, `--haproxy-config FILE`, `--caddy-config
 * FILE`): what a platform team actually deploys, run in place of a built-in profile (profile name
 * `user`). The file names the parts sse-chaos decides with placeholders, each replaced on one line
 * so a line number in the proxy's own error message maps back to the user's file:
 *
 * - `{{upstream}}`: the address to proxy to (`127.0.0.1:PORT`, the origin leg). Required.
 * - `{{listen}}`: the address to listen on. Required, except in an nginx snippet (sse-chaos's server
 *   block listens).
 * - `{{probe}}`: the readiness and "which config is live" probe, one line in the server block (nginx),
 *   the frontend (HAProxy) or the site block (Caddy). Required, except in an nginx snippet.
 * - `{{tempDir}}` (nginx): a private folder for *_temp_path and cache paths. Optional.
 *
 * nginx takes a whole nginx.conf (it has an `http {` block; sse-chaos prepends `pid` and an
 * `error_log` at notice level, so leave `pid` out) or a snippet: the inside of a `server {}` block
 * (your `location` blocks), which sse-chaos wraps in its own main, events, http and server blocks.
 * Caddy gets `admin` and `auto_https off` in its global options (a global block is added or
 * extended).
 */
import { readFile } from 'node:fs/promises';
import { TopologyConfigError } from './errors.ts';
import { PROBE_PATH } from './nginx-probe.ts';
import type { ProxyKind } from './proxy-kind.ts';
import type { RenderMeta } from './proxy-placement.ts';

/** The profile name of a run on the user's own config. */
export const USER_PROFILE = 'user';

export interface UserProxyConfig {
  kind: ProxyKind;
  /** The file as the user named it (shown in errors and diagnoses). */
  file: string;
  text: string;
}

/** Where the user's config runs: the placement of every kind, nginx's paths included. */
export interface UserPlacement {
  listen: string;
  upstream: string;
  /** Several instances (sse-chaos's own profiles only: a user's config names one `{{upstream}}`). */
  upstreams?: readonly string[];
  /** Caddy's admin API address. */
  admin: string;
  /** nginx only. */
  pidPath: string;
  errorLog: string;
  accessLog: string;
  tempDir: string;
  /** nginx profiles only: the origin legs of further toxiproxy processes, beside `upstream`. */
  moreUpstreams?: readonly string[];
  /** nginx profiles only: clients speak TLS (HTTP/2 when `http2`) with this certificate and key. */
  tls?: { certPath: string; keyPath: string; http2: boolean };
}

export interface RenderedUserConfig {
  text: string;
  /** A line of the user's file is this many lines further down in `text`. */
  lineOffset: number;
}

const PLACEHOLDERS = ['upstream', 'listen', 'probe', 'tempDir'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

/** An nginx config is a whole nginx.conf when it has an `http {` block; otherwise a server-block snippet. */
export function isNginxSnippet(text: string): boolean {
  return !/^\s*http\s*\{/m.test(stripComments(text));
}

function stripComments(text: string): string {
  return text.replace(/#[^\n]*/g, '');
}

/** The placeholders a config of this kind and form must carry. */
export function requiredPlaceholders(cfg: Pick<UserProxyConfig, 'kind' | 'text'>): Placeholder[] {
  if (cfg.kind === 'nginx' && isNginxSnippet(cfg.text)) return ['upstream'];
  return ['upstream', 'listen', 'probe'];
}

/** Checks the placeholders (missing required ones, unknown ones); the error names the file and line. */
export function checkPlaceholders(cfg: UserProxyConfig): void {
  const problems: string[] = [];
  for (const name of requiredPlaceholders(cfg)) {
    if (!cfg.text.includes(`{{${name}}}`)) problems.push(`missing {{${name}}} (${PLACEHOLDER_HELP[name]})`);
  }
  cfg.text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/\{\{(\w+)\}\}/g)) {
      const name = m[1]!;
      const known =
        (PLACEHOLDERS as readonly string[]).includes(name) && (name !== 'tempDir' || cfg.kind === 'nginx');
      if (!known) problems.push(`line ${i + 1}: unknown placeholder {{${name}}}`);
    }
  });
  if (problems.length) {
    throw new TopologyConfigError(
      `${cfg.kind} config ${cfg.file}: ${problems.join('; ')}. Placeholders: ${PLACEHOLDERS.filter(
        (p) => p !== 'tempDir' || cfg.kind === 'nginx',
      )
        .map((p) => `{{${p}}} (${PLACEHOLDER_HELP[p]})`)
        .join(', ')}`,
    );
  }
}

const PLACEHOLDER_HELP: Record<Placeholder, string> = {
  upstream: 'the address to proxy to, host:port',
  listen: 'the address to listen on, host:port',
  probe: 'one line in the server/frontend/site block: the readiness probe',
  tempDir: 'nginx: a private folder for temp and cache paths',
};

/** The probe, one line, in the kind's syntax: it answers `profile generation`. */
export function probeLine(kind: ProxyKind, meta: RenderMeta): string {
  const answer = `${meta.profile} ${meta.generation}`;
  switch (kind) {
    case 'nginx':
      return `location = ${PROBE_PATH} { access_log off; default_type text/plain; return 200 "${answer}\\n"; }`;
    case 'haproxy':
      return `http-request return status 200 content-type text/plain lf-string "${answer}" if { path ${PROBE_PATH} }`;
    case 'caddy':
      return `respond ${PROBE_PATH} "${answer}" 200`;
  }
}

function substitute(cfg: UserProxyConfig, placement: UserPlacement, meta: RenderMeta): string {
  const values: Record<Placeholder, string> = {
    upstream: placement.upstream,
    listen: placement.listen,
    probe: probeLine(cfg.kind, meta),
    tempDir: placement.tempDir,
  };
  return cfg.text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key as Placeholder] ?? m);
}

/** nginx.conf around a server-block snippet; the snippet keeps its own lines. */
function nginxWrapper(placement: UserPlacement, meta: RenderMeta): { head: string[]; tail: string[] } {
  const t = placement.tempDir;
  return {
    head: [
      `# sse-chaos: your nginx snippet (profile "${meta.profile}", generation ${meta.generation}) in sse-chaos's server block.`,
      'worker_processes 1;',
      `pid ${placement.pidPath};`,
      `error_log ${placement.errorLog} notice;`,
      'events { worker_connections 1024; }',
      'http {',
      `    default_type application/octet-stream; access_log ${placement.accessLog};`,
      `    client_body_temp_path ${t}/client_body; proxy_temp_path ${t}/proxy; fastcgi_temp_path ${t}/fastcgi;`,
      `    uwsgi_temp_path ${t}/uwsgi; scgi_temp_path ${t}/scgi;`,
      '    server {',
      `        listen ${placement.listen};`,
      `        ${probeLine('nginx', meta)}`,
      '        # --- your snippet ---',
    ],
    tail: ['        # --- end of your snippet ---', '    }', '}', ''],
  };
}

/** Renders the user's config for this placement and generation (pure). */
export function renderUserConfig(
  cfg: UserProxyConfig,
  placement: UserPlacement,
  meta: RenderMeta,
): RenderedUserConfig {
  const body = substitute(cfg, placement, meta);
  if (cfg.kind === 'nginx') {
    if (isNginxSnippet(cfg.text)) {
      const { head, tail } = nginxWrapper(placement, meta);
      return { text: [...head, body, ...tail].join('\n'), lineOffset: head.length };
    }
    const head = [
      `pid ${placement.pidPath}; error_log ${placement.errorLog} notice; # added by sse-chaos (profile "${meta.profile}", generation ${meta.generation})`,
    ];
    return { text: [...head, body].join('\n'), lineOffset: head.length };
  }
  if (cfg.kind === 'caddy') {
    const lines = body.split('\n');
    const first = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    const added = [`    admin ${placement.admin}`, '    auto_https off'];
    if (first >= 0 && lines[first]!.trim() === '{') {
      lines.splice(first + 1, 0, ...added);
      // The added lines sit inside the file: lines after them are shifted by two; before them, not.
      return { text: lines.join('\n'), lineOffset: added.length };
    }
    const head = ['{', ...added, '}'];
    return { text: [...head, ...lines].join('\n'), lineOffset: head.length };
  }
  return { text: body, lineOffset: 0 };
}

/**
 * A proxy's own message about the rendered file, pointed back at the user's file: every
 * `RENDERED:LINE` becomes `FILE:LINE - offset`.
 */
export function mapMessage(
  message: string,
  renderedPath: string,
  cfg: UserProxyConfig,
  lineOffset: number,
): string {
  const escaped = renderedPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(new RegExp(`${escaped}:(\\d+)`, 'g'), (_m, line: string) => {
    const n = Number(line) - lineOffset;
    return n >= 1 ? `${cfg.file}:${n}` : `${cfg.file} (sse-chaos's added lines)`;
  });
}

/** Reads a user's config file; a missing or unreadable file is a usage error naming it. */
export async function loadUserConfig(kind: ProxyKind, file: string): Promise<UserProxyConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TopologyConfigError(`cannot read ${kind} config ${file}: ${(err as Error).message}`);
  }
  const cfg = { kind, file, text };
  checkPlaceholders(cfg);
  return cfg;
}
