/**
 * Proxy facts: what a proxy config says about the things that break SSE (idle timeouts, deadlines
 * on the whole response, buffering, compression), each with its line, so a diagnosis can point at
 * the user's own directive ("your `proxy_read_timeout 30s` (line 12) ..."). Read from the config
 * text with a line scanner per kind: pure, no proxy needed. The plan hands these facts to the SLOs;
 * the checks never see them.
 */
import type { ProxyKind } from './proxy-kind.ts';

export interface ProxyDirective {
  /** The directive as written (trimmed, without the trailing `;`). */
  text: string;
  /** 1-based line in `file`. */
  line: number;
}

export interface TimedDirective extends ProxyDirective {
  ms: number;
}

export interface ProxyFacts {
  kind: ProxyKind;
  /** The config file the lines refer to. */
  file: string;
  /** Inactivity timers that cut a quiet stream (nginx proxy_read_timeout, HAProxy timeout server/client, Caddy read_timeout). */
  idleTimeouts: TimedDirective[];
  /** Deadlines on the whole response, however busy (Caddy's server write timeout). */
  ageTimeouts: TimedDirective[];
  /** Directives that buffer the response. */
  buffering: ProxyDirective[];
  /** Directives that compress responses. */
  compression: ProxyDirective[];
  /** What the proxy does where the config says nothing (e.g. nginx buffers by default). */
  defaults: string[];
}

const UNITS_MS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * A duration in ms: `600ms`, `30s`, `1m30s`, `2h`; a bare number is seconds for nginx, ms for
 * HAProxy (their own defaults); undefined when unreadable.
 */
export function parseDuration(value: string, bareUnit: 'ms' | 's'): number | undefined {
  const v = value.trim().replace(/^"|"$/g, '');
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * UNITS_MS[bareUnit]!;
  let total = 0;
  let rest = v;
  while (rest.length) {
    const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h|d)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNITS_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return v.length ? total : undefined;
}

interface Line {
  text: string;
  line: number;
  /** Names of the enclosing blocks (`timeouts`, `transport`, `location`, ...), outermost first. */
  blocks: string[];
}

/** The config's statements, comments stripped, with the blocks each sits in. */
function scan(text: string): Line[] {
  const out: Line[] = [];
  const stack: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const code = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!code) return;
    for (const part of code.split(/(?<=[;{}])/)) {
      const stmt = part.trim();
      if (!stmt) continue;
      if (stmt === '}') {
        stack.pop();
        continue;
      }
      if (stmt.endsWith('{')) {
        stack.push(stmt.slice(0, -1).trim().split(/\s+/)[0] ?? '');
        continue;
      }
      out.push({ text: stmt.replace(/;$/, '').trim(), line: i + 1, blocks: [...stack] });
    }
  });
  return out;
}

function timed(l: Line, value: string, bare: 'ms' | 's'): TimedDirective | undefined {
  const ms = parseDuration(value, bare);
  return ms === undefined ? undefined : { text: l.text, line: l.line, ms };
}

function nginxFacts(lines: Line[], facts: ProxyFacts): void {
  let bufferingSaid = false;
  let readTimeoutSaid = false;
  for (const l of lines) {
    const [name, ...args] = l.text.split(/\s+/);
    const arg = args.join(' ');
    if (name === 'proxy_read_timeout' || name === 'send_timeout') {
      readTimeoutSaid ||= name === 'proxy_read_timeout';
      const t = timed(l, arg, 's');
      if (t) facts.idleTimeouts.push(t);
    } else if (name === 'proxy_buffering') {
      bufferingSaid = true;
      if (arg === 'on') facts.buffering.push(l);
    } else if (
      (name === 'proxy_cache' && arg !== 'off') ||
      (name === 'proxy_http_version' && arg === '1.0')
    ) {
      facts.buffering.push(l);
    } else if ((name === 'gzip' && arg === 'on') || (name === 'gzip_types' && /event-stream|\*/.test(arg))) {
      facts.compression.push(l);
    }
  }
  if (!bufferingSaid)
    facts.defaults.push('no `proxy_buffering` directive: nginx buffers proxied responses by default');
  if (!readTimeoutSaid)
    facts.defaults.push('no `proxy_read_timeout` directive: nginx cuts a quiet stream after 60 s');
}

function haproxyFacts(lines: Line[], facts: ProxyFacts): void {
  for (const l of lines) {
    const words = l.text.split(/\s+/);
    if (words[0] === 'timeout' && (words[1] === 'server' || words[1] === 'client') && words[2]) {
      const t = timed(l, words[2], 'ms');
      if (t) facts.idleTimeouts.push(t);
    } else if (words[0] === 'compression') {
      facts.compression.push(l);
    } else if (words[0] === 'option' && words[1] === 'http-buffer-request') {
      facts.buffering.push(l);
    }
  }
}

function caddyFacts(lines: Line[], facts: ProxyFacts): void {
  for (const l of lines) {
    const [name, value] = l.text.split(/\s+/);
    if (name === 'read_timeout' && value) {
      const t = timed(l, value, 'ms');
      if (t) facts.idleTimeouts.push(t);
    } else if (name === 'write' && value && l.blocks.includes('timeouts')) {
      const t = timed(l, value, 'ms');
      if (t) facts.ageTimeouts.push(t);
    } else if (name === 'encode') {
      facts.compression.push(l);
    } else if (name === 'flush_interval' && value !== '-1') {
      facts.buffering.push(l);
    }
  }
}

/** The facts of a config of this kind. */
export function proxyFacts(config: { kind: ProxyKind; file: string; text: string }): ProxyFacts {
  const facts: ProxyFacts = {
    kind: config.kind,
    file: config.file,
    idleTimeouts: [],
    ageTimeouts: [],
    buffering: [],
    compression: [],
    defaults: [],
  };
  const lines = scan(config.text);
  if (config.kind === 'nginx') nginxFacts(lines, facts);
  else if (config.kind === 'haproxy') haproxyFacts(lines, facts);
  else caddyFacts(lines, facts);
  return facts;
}
