/**
 * Content hashes of an image's inputs: the image tag is the hash, so an image is rebuilt exactly
 * when something that goes into it changed (a Dockerfile, a binary, the server's code, the lockfile,
 * the image it builds on), and reused otherwise, across runs and machines.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** SHA-256 of length-prefixed parts (so ["ab","c"] and ["a","bc"] differ), as 16 hex digits. */
export function hashParts(parts: ReadonlyArray<string | Buffer>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p) : p;
    h.update(`${b.length}:`);
    h.update(b);
  }
  return h.digest('hex').slice(0, 16);
}

const fileMemo = new Map<string, { key: string; digest: Promise<string> }>();

/**
 * SHA-256 of a file's bytes (hex). Memoized per process by path, size and mtime: the node binary is
 * ~100 MB and several images ask for it.
 */
export function fileDigest(path: string): Promise<string> {
  const st = statSync(path);
  const key = `${st.size}:${st.mtimeMs}:${st.ino}`;
  const memo = fileMemo.get(path);
  if (memo?.key === key) return memo.digest;
  const digest = new Promise<string>((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
  fileMemo.set(path, { key, digest });
  digest.catch(() => fileMemo.delete(path));
  return digest;
}

/** Every regular file below `dir` (relative paths, sorted), skipping names `skip` rejects. */
export function listFiles(dir: string, skip: (name: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (skip(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Digest of a folder's files: their relative paths and contents. */
export async function treeDigest(dir: string, skip?: (name: string) => boolean): Promise<string> {
  const parts: string[] = [];
  for (const f of listFiles(dir, skip)) parts.push(f, await fileDigest(join(dir, f)));
  return hashParts(parts);
}
