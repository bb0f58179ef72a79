#!/usr/bin/env node
// Builds the package: dist/ holds the compiled JavaScript and .d.ts of harness/, server/, zoo/,
// scenarios/ and reports/ (tsconfig.build.json; relative `.ts` imports become `.js`). Files that are
// not compiled (the nginx template, report CSS/JS, the guardian) ship from their source paths
// (package.json "files") and are found through harness/package-layout.ts. Runs on `npm pack`/publish.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true }); // No stale output from removed sources.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
// Plain JavaScript modules that compiled code imports by a relative path (they are already JS, so tsc
// does not emit them): copied next to their importers in dist/.
for (const entry of readdirSync(join(root, 'harness'), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.(mjs|d\.mts)$/.test(entry.name)) continue;
  const from = join(entry.parentPath, entry.name);
  cpSync(from, join(root, 'dist', from.slice(root.length + 1)));
}
