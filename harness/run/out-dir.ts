/**
 * Output folders: `reports/out/<timestamp>` per run, plus `reports/out/latest` pointing at the
 * newest, so CI uploads and humans find the last report without knowing the timestamp.
 */
import { mkdir, rm, symlink, cp } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export function timestampDir(root = 'reports/out', now = new Date()): string {
  const stamp = now.toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  return join(root, stamp);
}

/** Points `<parent>/latest` at `dir`: a relative symlink, or a copy where symlinks fail. */
export async function linkLatest(dir: string): Promise<string> {
  const abs = resolve(dir);
  const latest = join(dirname(abs), 'latest');
  if (latest === abs) return latest;
  await rm(latest, { recursive: true, force: true });
  try {
    await symlink(basename(abs), latest, 'dir');
  } catch {
    await mkdir(latest, { recursive: true });
    await cp(abs, latest, { recursive: true });
  }
  return latest;
}
