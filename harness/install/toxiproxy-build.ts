/**
 * Builds the pinned toxiproxy-server with `go install` into the per-user cache. Go writes into a
 * private GOBIN first and the binary is renamed into place, so a build that fails or two installs
 * running at once never leave a half-written binary where the runtime looks.
 */
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cachedToxiproxy } from '../topology/tool-cache.ts';
import { MIN_GO, compareVersions, findGo } from './find.ts';
import { goInstallArgs } from './hints.ts';
import { runVisible } from './system-packages.ts';

/** Builds toxiproxy-server; resolves undefined on success, else why it could not. */
export async function buildToxiproxy(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const go = await findGo(env);
  if (!go) return 'Go is not installed (PATH, /usr/local/go/bin)';
  if (compareVersions(go.version, MIN_GO) < 0) return `Go ${go.version} (${go.path}) is older than ${MIN_GO}`;
  const target = cachedToxiproxy(env);
  await mkdir(dirname(target), { recursive: true });
  const gobin = await mkdtemp(join(dirname(target), '.gobin-'));
  try {
    const code = await runVisible([go.path, ...goInstallArgs()], { ...env, GOBIN: gobin });
    if (code !== 0) return `go install failed (exit ${code})`;
    await rename(join(gobin, 'server'), target); // The binary is named `server`.
    return undefined;
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}
