/**
 * testcontainers reads some settings from the environment once, when it is first loaded or first
 * asked for a client. Every import of it in the harness goes through `loadTestcontainers()`, which
 * sets our defaults first (the user's own values always win):
 * - TESTCONTAINERS_RYUK_DISABLED=true: the reaper is an image from a registry we may not reach;
 *   cleanup is ours (labels + sweep, see sweep.ts).
 * - TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 when the engine runs on this machine but we are inside a
 *   container (/.dockerenv): testcontainers would otherwise run `alpine` to find a gateway address
 *   and then talk to a private-range address instead of loopback.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { importTestcontainers, type Testcontainers } from '../testcontainers-module.ts';

/** True when a dockerd process is visible in our PID namespace (the engine is on this machine). */
export function localDockerdRunning(procDir = '/proc'): boolean {
  let entries: string[];
  try {
    entries = readdirSync(procDir);
  } catch {
    return false;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`${procDir}/${e}/comm`, 'utf8').trim() === 'dockerd') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

/** The defaults we add to `env` (pure apart from the /.dockerenv and /proc look-ups). */
export function testcontainersDefaults(
  env: NodeJS.ProcessEnv,
  inContainer = existsSync('/.dockerenv'),
  engineLocal: () => boolean = localDockerdRunning,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (env.TESTCONTAINERS_RYUK_DISABLED === undefined) out.TESTCONTAINERS_RYUK_DISABLED = 'true';
  const unixHost = !env.DOCKER_HOST || env.DOCKER_HOST.startsWith('unix://');
  if (env.TESTCONTAINERS_HOST_OVERRIDE === undefined && inContainer && unixHost && engineLocal())
    out.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
  return out;
}

// The optional peer: a clear error with the install command when it is missing.
let loaded: Promise<Testcontainers> | undefined;

/** testcontainers, loaded once, after our environment defaults are in place. */
export function loadTestcontainers(): Promise<Testcontainers> {
  if (!loaded) {
    Object.assign(process.env, testcontainersDefaults(process.env));
    loaded = importTestcontainers();
  }
  return loaded;
}
