/**
 * The per-user cache `sse-chaos install` provisions binaries into. It lives outside the project
 * (never in node_modules, which the next `npm ci` wipes), so one build of toxiproxy-server serves
 * every project and every reinstall; CI caches the folder between runs.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The toxiproxy release the harness is pinned to (the fault semantics in harness/faults are written against it). */
export const TOXIPROXY_VERSION = '2.12.0';
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';

/**
 * SSE_CHAOS_CACHE_DIR, else the platform's per-user cache folder: $XDG_CACHE_HOME/sse-chaos or
 * ~/.cache/sse-chaos (Linux), ~/Library/Caches/sse-chaos (macOS).
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SSE_CHAOS_CACHE_DIR) return resolve(env.SSE_CHAOS_CACHE_DIR);
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'sse-chaos');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'sse-chaos');
}

/** Where the pinned toxiproxy-server build lives in the cache (versioned: pins can differ per project). */
export function cachedToxiproxy(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `toxiproxy-v${TOXIPROXY_VERSION}`, 'toxiproxy-server');
}
