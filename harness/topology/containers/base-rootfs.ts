/**
 * The root filesystem of the local base image, made with mmdebstrap from Debian's packages (the one
 * registry every machine of ours reaches), cached as a tarball so a pruned engine rebuilds its base in
 * seconds. One tarball for every local image: Debian 12 minbase + nginx-light (1.22, the same build
 * as the local runtime's nginx) + openssh-server (the tunnel to host targets).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, canAptInstall } from './apt.ts';
import { findTool, lastLines, runCommand } from './command.ts';

/** Everything that decides what goes into the rootfs: changing it changes the base image's tag. */
export const BASE_RECIPE = {
  suite: 'bookworm',
  variant: 'minbase',
  include: ['nginx-light', 'openssh-server'],
  // Documentation and translations are dead weight in a container (~50 MB).
  dpkgopt: [
    'path-exclude=/usr/share/man/*',
    'path-exclude=/usr/share/info/*',
    'path-exclude=/usr/share/locale/*',
    'path-exclude=/usr/share/doc/*',
    'path-include=/usr/share/doc/*/copyright',
  ],
} as const;

/** The installed versions of the included packages land next to the tarball (image labels). */
export const versionsPath = (tarball: string) => `${tarball.replace(/\.tar(\.[^/]*)?$/, '')}.versions`;

export function mmdebstrapArgs(out: string, versionsOut: string, recipe = BASE_RECIPE): string[] {
  const query = `dpkg-query -W -f='\${Package}=\${Version}\\n' ${recipe.include.join(' ')}`;
  return [
    '--quiet',
    `--customize-hook=chroot "$1" ${query} > '${versionsOut}'`,
    `--variant=${recipe.variant}`,
    `--include=${recipe.include.join(',')}`,
    ...recipe.dpkgopt.map((o) => `--dpkgopt=${o}`),
    recipe.suite,
    out,
  ];
}

/** Why a rootfs cannot be made here, or undefined when it can (mmdebstrap present or installable). */
export function rootfsUnavailable(): string | undefined {
  if (process.platform !== 'linux')
    return `local images are built on Linux only (this is ${process.platform})`;
  if (findTool('mmdebstrap') || canAptInstall()) return undefined;
  return 'mmdebstrap is not installed (install it: sudo apt-get install -y mmdebstrap)';
}

/**
 * Path of the cached rootfs tarball for `hash`, made now if missing (~20-40 s). Written to a temp
 * name and renamed, so an interrupted run never leaves a truncated tarball behind.
 */
export async function ensureRootfs(
  cacheDir: string,
  hash: string,
  log: (line: string) => void,
): Promise<{ path: string; made: boolean; bytes: number; versions: string }> {
  const dir = join(cacheDir, 'base');
  const path = join(dir, `rootfs-${hash}.tar`);
  const readVersions = () => readFileSync(versionsPath(path), 'utf8').trim().split('\n').join(',');
  if (existsSync(path) && existsSync(versionsPath(path)))
    return { path, made: false, bytes: statSync(path).size, versions: readVersions() };
  const problem = rootfsUnavailable();
  if (problem) throw new Error(problem);
  if (!findTool('mmdebstrap')) await aptInstall(['mmdebstrap'], log);
  mkdirSync(dir, { recursive: true });
  // Callers hold the build lock: a .tmp here is the remains of an interrupted mmdebstrap (~150 MB).
  for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) rmSync(join(dir, f), { force: true });
  const tmp = join(dir, `rootfs-${hash}.tar.${process.pid}.tmp`);
  const args = mmdebstrapArgs(tmp, versionsPath(path));
  log(`base: $ mmdebstrap ${args.join(' ')}`);
  try {
    // mmdebstrap names the format after the extension; ".tmp" is not one, so say it.
    const result = await runCommand('mmdebstrap', ['--format=tar', ...args], { timeoutMs: 15 * 60_000 });
    if (result.code !== 0)
      throw new Error(`mmdebstrap failed (exit ${result.code}):\n${lastLines(result.output)}`);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { path, made: true, bytes: statSync(path).size, versions: readVersions() };
}
