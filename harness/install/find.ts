/**
 * Finders for what `sse-chaos install` provides, in the order the runtime looks (topology/binaries.ts):
 * an explicit env override, then PATH, then the usual system places and the per-user cache. They
 * never throw: a missing tool is an answer, reported with what else was seen.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  isExecutable,
  onPath,
  parseNginxVersion,
  parseProxyVersion,
  parseToxiproxyVersion,
  run,
} from '../topology/binaries.ts';
import { TOXIPROXY_VERSION, cachedToxiproxy } from '../topology/tool-cache.ts';

export interface Found {
  path: string;
  version: string;
}

export interface ToxiproxySearch {
  found?: Found;
  /** Binaries seen with another version (toxic semantics changed between releases). */
  others: string[];
}

/** `go version go1.23.4 linux/amd64` -> `1.23.4`. */
export function parseGoVersion(output: string): string | undefined {
  return /go(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

/** `Chromium 156.0.8078.79 built on ...` -> `156.0.8078.79`. */
export function parseChromiumVersion(output: string): string | undefined {
  return /(\d+\.\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** Compares dotted versions numerically: <0, 0, >0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const present = (candidates: Array<string | undefined>): string[] =>
  [...new Set(candidates)].filter((c): c is string => !!c && isExecutable(c));

export async function findNginx(env: NodeJS.ProcessEnv): Promise<Found | undefined> {
  for (const c of present([
    env.SSE_CHAOS_NGINX,
    ...onPath('nginx', env.PATH),
    '/usr/sbin/nginx',
    '/usr/local/sbin/nginx',
  ])) {
    const version = parseNginxVersion(await run(c, ['-v']));
    if (version) return { path: c, version };
  }
  return undefined;
}

/** HAProxy or Caddy, where the runtime looks (SSE_CHAOS_HAPROXY / SSE_CHAOS_CADDY, PATH, sbin and bin). */
export async function findProxy(
  kind: 'haproxy' | 'caddy',
  env: NodeJS.ProcessEnv,
): Promise<Found | undefined> {
  const override = kind === 'haproxy' ? env.SSE_CHAOS_HAPROXY : env.SSE_CHAOS_CADDY;
  for (const c of present([
    override,
    ...onPath(kind, env.PATH),
    `/usr/sbin/${kind}`,
    `/usr/bin/${kind}`,
    `/usr/local/sbin/${kind}`,
    `/usr/local/bin/${kind}`,
  ])) {
    const version = parseProxyVersion(await run(c, kind === 'haproxy' ? ['-v'] : ['version']));
    if (version) return { path: c, version };
  }
  return undefined;
}

export async function findToxiproxy(env: NodeJS.ProcessEnv): Promise<ToxiproxySearch> {
  const others: string[] = [];
  for (const c of present([
    env.SSE_CHAOS_TOXIPROXY,
    ...onPath('toxiproxy-server', env.PATH),
    cachedToxiproxy(env),
  ])) {
    const version = parseToxiproxyVersion(await run(c, ['-version']));
    if (version === TOXIPROXY_VERSION) return { found: { path: c, version }, others };
    others.push(`${c} (${version ?? 'unknown version'})`);
  }
  return { others };
}

export async function findChromium(env: NodeJS.ProcessEnv): Promise<Found | undefined> {
  const [path] = present([
    env.SSE_CHAOS_CHROMIUM,
    '/usr/bin/chromium',
    ...onPath('chromium', env.PATH),
    ...onPath('chromium-browser', env.PATH),
    ...onPath('google-chrome', env.PATH),
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ]);
  if (!path) return undefined;
  return { path, version: parseChromiumVersion(await run(path, ['--version'])) ?? 'unknown version' };
}

/** Go >= 1.23 builds toxiproxy v2.12.0. */
export const MIN_GO = '1.23';

export async function findGo(env: NodeJS.ProcessEnv): Promise<Found | undefined> {
  for (const c of present([...onPath('go', env.PATH), '/usr/local/go/bin/go'])) {
    const version = parseGoVersion(await run(c, ['version']));
    if (version) return { path: c, version };
  }
  return undefined;
}

/**
 * playwright-core as the harness will load it (resolved from here, as its `import()` does): real-browser
 * clients attach to Chromium with it. An optional peer: undefined when it is not installed.
 */
export function findPlaywrightCore(from: string = import.meta.url): Found | undefined {
  try {
    const path = createRequire(from).resolve('playwright-core/package.json');
    const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version?: string };
    return { path: path.replace(/\/package\.json$/, ''), version: version ?? 'unknown version' };
  } catch {
    return undefined;
  }
}
