/**
 * Where sse-chaos's own files are, in both layouts it runs from:
 * - a clone of this repository: the TypeScript sources, run through tsx (`npm run chaos`, vitest);
 * - the built package (`npm i -D sse-chaos`): compiled JavaScript under dist/, plain Node, no loader.
 * Code (harness/, server/, zoo/, ...) lives under `codeRoot`; files that are not compiled (the
 * nginx template, the report's CSS and script, the guardian, package.json) stay at `packageRoot`
 * in both layouts, so they are read from one place.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** True when running the TypeScript sources (a clone), false when running the built dist/. */
export const fromSource = import.meta.url.endsWith('.ts');

/** The folder holding harness/, server/, zoo/: the repository root, or the package's dist/. */
export const codeRoot = resolve(here, '..');

/** The folder holding package.json (the repository root, or node_modules/sse-chaos). */
export const packageRoot = fromSource ? codeRoot : resolve(codeRoot, '..');

/** A file shipped as is (not compiled), by its path in the repository. */
export function packageFile(...segments: string[]): string {
  return join(packageRoot, ...segments);
}

/**
 * The Node arguments that run one of our entry points (`server/main`, `zoo/main`) as a child
 * process: the compiled `.js` with plain Node, or the `.ts` source through tsx from a clone.
 */
export function nodeEntry(entry: string): string[] {
  return fromSource ? ['--import', 'tsx', join(codeRoot, `${entry}.ts`)] : [join(codeRoot, `${entry}.js`)];
}
