import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeRoot, fromSource, nodeEntry, packageFile, packageRoot } from '../harness/package-layout.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(path)));
    else if (e.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('package layout', () => {
  it('from a clone, code and shipped files are both at the repository root, entries run through tsx', () => {
    expect(fromSource).toBe(true);
    expect(codeRoot).toBe(repo.replace(/\/$/, ''));
    expect(packageRoot).toBe(codeRoot);
    expect(nodeEntry('server/main')).toEqual(['--import', 'tsx', join(repo, 'server/main.ts')]);
  });

  it('every file read through packageFile() exists and is listed in package.json "files"', async () => {
    const files = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { files: string[] })
      .files;
    const shipped = (p: string) => files.some((f) => p === f || (f.endsWith('/') && p.startsWith(f)));
    const used = new Set<string>();
    for (const dir of ['harness', 'server', 'zoo', 'reports', 'scenarios']) {
      for (const file of await sources(join(repo, dir))) {
        for (const m of (await readFile(file, 'utf8')).matchAll(/packageFile\(((?:'[^']+'(?:,\s*)?)+)\)/g))
          used.add([...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]).join('/'));
      }
    }
    expect([...used].sort()).toEqual([
      'docker/nginx/nginx.conf.template',
      'harness/topology/guardian.mjs',
      'package.json',
      'reports/html/client.js',
      'reports/html/report.css',
    ]);
    for (const p of used) {
      expect(existsSync(packageFile(p)), p).toBe(true);
      if (p !== 'package.json') expect(shipped(p), `${p} in "files"`).toBe(true);
    }
  });
});
