/**
 * Locates the external binaries the local runtime needs, in the same order as scripts/setup.mjs, so
 * a missing binary fails early with the one command that fixes it.
 */
import { accessSync, constants } from 'node:fs';
import { execFile } from 'node:child_process';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfrastructureError } from './errors.ts';

/** The project root (two levels above this file). */
export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The project-local tools folder setup.mjs installs into (SSE_CHAOS_TOOLS_DIR overrides it). */
export function toolsBin(env = process.env): string {
  return join(resolve(env.SSE_CHAOS_TOOLS_DIR || join(projectRoot, '.tools')), 'bin');
}

/** The toxiproxy version the harness is pinned to (the fault semantics in harness/faults are written against it). */
export const TOXIPROXY_VERSION = '2.12.0';

function isExecutable(path: string): boolean {
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

function run(file: string, args: string[]): Promise<string> {
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

const hint = 'Run `node scripts/setup.mjs` (it installs or explains how to install it).';

/** Absolute path of nginx: SSE_CHAOS_NGINX, then PATH, then /usr/sbin/nginx. */
export function locateNginx(env = process.env): string {
  const candidates = [
    env.SSE_CHAOS_NGINX,
    ...onPath('nginx', env.PATH),
    '/usr/sbin/nginx',
    '/usr/local/sbin/nginx',
  ];
  const found = candidates.find((c): c is string => !!c && isExecutable(c));
  if (!found) throw new InfrastructureError('nginx', `nginx was not found on PATH nor in /usr/sbin. ${hint}`);
  return found;
}

/**
 * Absolute path of toxiproxy-server v2.12.0: SSE_CHAOS_TOXIPROXY, then PATH, then .tools/bin. A
 * PATH binary of another version is skipped (toxic semantics changed between releases).
 */
export async function locateToxiproxy(env = process.env): Promise<{ path: string; version: string }> {
  const candidates = [
    env.SSE_CHAOS_TOXIPROXY,
    ...onPath('toxiproxy-server', env.PATH),
    join(toolsBin(env), 'toxiproxy-server'),
  ];
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
    `toxiproxy-server v${TOXIPROXY_VERSION} was not found.${others} ${hint}`,
  );
}

/** `nginx -v` as a version string (nginx prints it on stderr). */
export async function nginxVersion(path: string): Promise<string> {
  return parseNginxVersion(await run(path, ['-v'])) ?? 'unknown';
}
