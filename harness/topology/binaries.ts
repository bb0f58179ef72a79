/**
 * Locates the external binaries the local runtime needs, in the same order as `sse-chaos install`
 * looks for them, so a missing binary fails early with the one command that fixes it.
 */
import { accessSync, constants } from 'node:fs';
import { execFile } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { InfrastructureError } from './errors.ts';
import { TOXIPROXY_VERSION, cachedToxiproxy } from './tool-cache.ts';

export { TOXIPROXY_VERSION } from './tool-cache.ts';

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every `dir/name` on PATH that is executable, in PATH order. */
export function onPath(name: string, pathEnv = process.env.PATH ?? ''): string[] {
  return pathEnv
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .filter(isExecutable);
}

/** Runs `file args` and resolves with its combined output (never rejects; 5 s timeout). */
export function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise) => {
    execFile(file, args, { timeout: 5_000 }, (_err, stdout, stderr) => resolvePromise(`${stdout}${stderr}`));
  });
}

/** `nginx version: nginx/1.22.1` -> `1.22.1`. */
export function parseNginxVersion(output: string): string | undefined {
  return /nginx\/(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** `toxiproxy-server version 2.12.0` (or `{"version":"2.12.0"}` from the API) -> `2.12.0`. */
export function parseToxiproxyVersion(output: string): string | undefined {
  return /(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** The one command that provides each binary (it installs, or prints the system command that does). */
export const INSTALL_COMMAND = {
  nginx: 'npx sse-chaos install --with-deps',
  haproxy: 'npx sse-chaos install --with-deps --proxy haproxy',
  caddy: 'npx sse-chaos install --with-deps --proxy caddy',
  toxiproxy: 'npx sse-chaos install',
} as const;

/** Absolute path of nginx: SSE_CHAOS_NGINX, then PATH, then /usr/sbin/nginx. */
export function locateNginx(env = process.env): string {
  const candidates = [
    env.SSE_CHAOS_NGINX,
    ...onPath('nginx', env.PATH),
    '/usr/sbin/nginx',
    '/usr/local/sbin/nginx',
  ];
  const found = candidates.find((c): c is string => !!c && isExecutable(c));
  if (!found)
    throw new InfrastructureError(
      'nginx',
      `nginx was not found (SSE_CHAOS_NGINX, PATH, /usr/sbin). Run \`${INSTALL_COMMAND.nginx}\` ` +
        '(it installs nginx with the system package manager, or prints the command that does).',
    );
  return found;
}

/**
 * Absolute path of toxiproxy-server v2.12.0: SSE_CHAOS_TOXIPROXY, then PATH, then the cache. A
 * PATH binary of another version is skipped (toxic semantics changed between releases).
 */
export async function locateToxiproxy(env = process.env): Promise<{ path: string; version: string }> {
  const candidates = [env.SSE_CHAOS_TOXIPROXY, ...onPath('toxiproxy-server', env.PATH), cachedToxiproxy(env)];
  const seen: string[] = [];
  for (const c of candidates) {
    if (!c || !isExecutable(c)) continue;
    const version = parseToxiproxyVersion(await run(c, ['-version']));
    if (version === TOXIPROXY_VERSION) return { path: c, version };
    seen.push(`${c} (version ${version ?? 'unknown'})`);
  }
  const others = seen.length ? ` Found only: ${seen.join(', ')}.` : '';
  throw new InfrastructureError(
    'toxiproxy',
    `toxiproxy-server v${TOXIPROXY_VERSION} was not found (SSE_CHAOS_TOXIPROXY, PATH, ${cachedToxiproxy(env)}).${others} ` +
      `Run \`${INSTALL_COMMAND.toxiproxy}\` (it builds it into the per-user cache with Go >= 1.23).`,
  );
}

/** `nginx -v` as a version string (nginx prints it on stderr). */
export async function nginxVersion(path: string): Promise<string> {
  return parseNginxVersion(await run(path, ['-v'])) ?? 'unknown';
}

/** Absolute path of a system binary: the env override, then PATH, then the sbin/bin folders. */
function locateSystem(name: 'haproxy' | 'caddy', envVar: string, env: NodeJS.ProcessEnv): string {
  const candidates = [
    env[envVar],
    ...onPath(name, env.PATH),
    `/usr/sbin/${name}`,
    `/usr/bin/${name}`,
    `/usr/local/sbin/${name}`,
    `/usr/local/bin/${name}`,
  ];
  const found = candidates.find((c): c is string => !!c && isExecutable(c));
  if (!found)
    throw new InfrastructureError(
      name,
      `${name} was not found (${envVar}, PATH, /usr/sbin, /usr/bin). Run \`${INSTALL_COMMAND[name]}\` ` +
        `(it installs ${name} with the system package manager, or prints the command that does).`,
    );
  return found;
}

/** Absolute path of haproxy: SSE_CHAOS_HAPROXY, then PATH, then /usr/sbin. */
export const locateHaproxy = (env = process.env): string => locateSystem('haproxy', 'SSE_CHAOS_HAPROXY', env);

/** Absolute path of caddy: SSE_CHAOS_CADDY, then PATH, then /usr/bin. */
export const locateCaddy = (env = process.env): string => locateSystem('caddy', 'SSE_CHAOS_CADDY', env);

/** `HAProxy version 2.6.12-1+deb12u4 ...` -> `2.6.12`; `v2.6.2 h1:...` or `2.6.2` (caddy) -> `2.6.2`. */
export function parseProxyVersion(output: string): string | undefined {
  return /(?:version |^v?)(\d+\.\d+\.\d+)/m.exec(output)?.[1];
}

/** `haproxy -v` / `caddy version` as a version string. */
export async function proxyVersion(kind: 'haproxy' | 'caddy', path: string): Promise<string> {
  return parseProxyVersion(await run(path, kind === 'haproxy' ? ['-v'] : ['version'])) ?? 'unknown';
}
