/**
 * Every file a document points at exists in the repository, and nothing points outside it: a reader
 * (or a user of the package) must be able to follow every reference.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const docs = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('bench/results/'));

/** Files the docs name that live in the user's repository (written by `sse-chaos init`), not in ours. */
const USER_FILES = new Set(['.github/workflows/sse-chaos.yml']);

/** `harness/run/plan.ts`-like tokens in backticks or links: a path with a folder and an extension. */
function referencedPaths(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/[`(]((?:\.\.?\/)?[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+\.[a-z]{1,5})[`)#]/g)) {
    const p = m[1]!;
    if (/^(https?:|node_modules|reports\/out|test-output|\/)/.test(p) || p.includes('*') || USER_FILES.has(p))
      continue;
    out.add(p);
  }
  return [...out];
}

describe('documentation references', () => {
  it('point at files that exist', () => {
    const missing: string[] = [];
    for (const doc of docs) {
      const dir = doc.includes('/') ? doc.slice(0, doc.lastIndexOf('/')) : '.';
      for (const p of referencedPaths(readFileSync(join(root, doc), 'utf8'))) {
        if (!existsSync(join(root, p)) && !existsSync(join(root, dir, p))) missing.push(`${doc}: ${p}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('never cite files outside the repository', () => {
    // Spelled in pieces, so that this file does not itself name what it forbids (and is searched too).
    const outside = ['\\.\\./' + 'shared', 'FIELD' + '-NOTES', 'ARCHI' + 'TECTURE\\.md'].join('|');
    // git grep exits 1 when nothing matches: that is the passing case.
    const r = spawnSync('git', ['grep', '-nE', `(${outside})`, '--', ':!*.lock'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).not.toBe(128);
    expect(r.stdout).toBe('');
  });
});
