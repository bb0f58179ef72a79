import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fileDigest,
  hashParts,
  listFiles,
  treeDigest,
} from '../../../harness/topology/containers/input-hash.ts';

describe('input hashes', () => {
  it('are 16 hex digits, stable, and tell part boundaries apart', () => {
    expect(hashParts(['a', 'b'])).toMatch(/^[0-9a-f]{16}$/);
    expect(hashParts(['a', 'b'])).toBe(hashParts(['a', 'b']));
    expect(hashParts(['ab', 'c'])).not.toBe(hashParts(['a', 'bc']));
    expect(hashParts(['a', 'b'])).not.toBe(hashParts(['b', 'a']));
  });

  it('follow a file through a rewrite (the memo is keyed by size and mtime, not just the path)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-hash-'));
    try {
      const f = join(dir, 'bin');
      writeFileSync(f, 'one');
      const first = await fileDigest(f);
      expect(await fileDigest(f)).toBe(first);
      writeFileSync(f, 'two, longer');
      expect(await fileDigest(f)).not.toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('of a folder change with a file added, edited or renamed, and ignore skipped names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-tree-'));
    try {
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'a.ts'), 'a');
      writeFileSync(join(dir, 'sub', 'b.ts'), 'b');
      const skip = (name: string) => name.endsWith('.journal');
      expect(listFiles(dir, skip)).toEqual(['a.ts', join('sub', 'b.ts')]);
      const base = await treeDigest(dir, skip);
      writeFileSync(join(dir, 'events.journal'), 'runtime data');
      expect(await treeDigest(dir, skip)).toBe(base);
      renameSync(join(dir, 'a.ts'), join(dir, 'c.ts'));
      const renamed = await treeDigest(dir, skip);
      expect(renamed).not.toBe(base);
      writeFileSync(join(dir, 'sub', 'b.ts'), 'B');
      expect(await treeDigest(dir, skip)).not.toBe(renamed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
