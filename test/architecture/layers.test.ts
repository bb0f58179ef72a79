/**
 * The house's rule, enforced: layers point down only (docs/architecture.md, "The house"). Every
 * relative import of every source file is checked against the layer it lives in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(new URL('../../', import.meta.url).pathname);

/** A file's layer: a harness folder, or a top-level folder. */
function layerOf(file: string): string {
  const rel = relative(root, file);
  const [top, second] = rel.split('/');
  if (top === 'harness')
    return second!.includes('.') ? `harness/${second!.replace(/\.[mc]?ts$/, '')}` : `harness/${second}`;
  return top!;
}

/** What each layer may import (besides itself). */
const PARTS = [
  'harness/client',
  'harness/topology',
  'harness/workload',
  'harness/faults',
  'harness/history',
  'harness/results',
  'harness/telemetry',
  'harness/package-layout',
];
const ALLOWED: Record<string, string[]> = {
  'harness/package-layout': [],
  'harness/history': [],
  'harness/results': ['harness/history', 'harness/package-layout'],
  'harness/telemetry': [],
  'harness/client': ['harness/history', 'harness/topology', 'harness/package-layout'],
  'harness/topology': ['harness/history', 'harness/package-layout'],
  'harness/workload': ['harness/history'],
  'harness/faults': ['harness/history', 'harness/topology'],
  'harness/checks': ['harness/history', 'harness/results'],
  // slo reads what a proxy config says (topology/proxy-facts.ts, pure) to name the user's line.
  'harness/slo': ['harness/checks', 'harness/results', 'harness/history', 'harness/topology'],
  'harness/run': [...PARTS, 'harness/checks', 'harness/slo', 'scenarios'],
  'harness/zoo': [...PARTS, 'harness/checks', 'harness/slo', 'harness/run', 'scenarios'],
  'harness/install': [...PARTS, 'harness/run'],
  'harness/init': [...PARTS, 'harness/run'],
  'harness/help': [...PARTS, 'harness/run'],
  'harness/cli': [
    ...PARTS,
    'harness/checks',
    'harness/slo',
    'harness/run',
    'harness/zoo',
    'harness/install',
    'harness/init',
    'harness/help',
    'scenarios',
    'reports',
  ],
  'harness/index': [...PARTS, 'harness/checks', 'harness/slo', 'harness/run', 'scenarios'],
  scenarios: ['harness/run'],
  reports: ['harness/results', 'harness/checks', 'harness/package-layout'],
  server: [],
  zoo: ['server'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(
      (e) =>
        e.isFile() &&
        /\.(ts|mts|mjs)$/.test(e.name) &&
        !e.name.endsWith('.d.ts') &&
        !e.name.endsWith('.d.mts'),
    )
    .map((e) => join(e.parentPath, e.name));
}

describe('layers', () => {
  it('every import points down (or stays in its own layer)', () => {
    const wrong: string[] = [];
    for (const top of ['harness', 'scenarios', 'reports', 'server', 'zoo']) {
      for (const file of sources(join(root, top))) {
        const from = layerOf(file);
        const allowed = ALLOWED[from];
        if (!allowed) {
          wrong.push(`${relative(root, file)}: layer ${from} is not in the rule table`);
          continue;
        }
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(
          /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g,
        )) {
          const spec = m[1] ?? m[2]!;
          const to = layerOf(resolve(dirname(file), spec));
          if (to !== from && !allowed.includes(to))
            wrong.push(`${relative(root, file)} (${from}) imports ${spec} (${to})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
