/**
 * The file that called `defineScenario`/`defineConfig`, from the V8 stack, relative to the working
 * directory: validation errors name it ("scenarios/foo.ts: workload.ratePerSec: ..."), and it is
 * the one place the user has to look.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export function callerFile(depth = 2): string | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  const frame = stack[depth];
  if (!frame) return undefined;
  const m = /\(?((?:file:\/\/)?\/[^():]+?):\d+:\d+\)?\s*$/.exec(frame);
  if (!m) return undefined;
  const path = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
  return relative(process.cwd(), path) || path;
}
