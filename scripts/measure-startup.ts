/**
 * Measures how long the whole local stack takes to start and stop (median of N runs), with the
 * reference server and with a trivial command target (the difference is the target's own startup).
 * `npx tsx scripts/measure-startup.ts [runs=7]`
 */
import { fileURLToPath } from 'node:url';
import { startTopology } from '../harness/topology/index.ts';
import { parseTarget, type TargetSpec } from '../harness/topology/target.ts';

const runs = Number(process.argv[2] ?? 7);
const fixture = fileURLToPath(new URL('../test/topology/fixtures/sse-server.mjs', import.meta.url));
const targets: Record<string, TargetSpec> = {
  reference: parseTarget({ kind: 'reference' }),
  'tiny command target': parseTarget({
    kind: 'command',
    command: [process.execPath, fixture, '--port', '{port}'],
    readyPath: '/readyz',
    streamPath: '/events',
    publish: { path: '/publish' },
  }),
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const [name, target] of Object.entries(targets)) {
  const starts: number[] = [];
  const stops: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const topology = await startTopology({ profile: 'good', target, runtime: 'local' });
    const t1 = performance.now();
    await topology.stop();
    starts.push(t1 - t0);
    stops.push(performance.now() - t1);
  }
  console.log(
    `${name.padEnd(20)} start median ${median(starts).toFixed(0)} ms (min ${Math.min(...starts).toFixed(0)}, max ${Math.max(...starts).toFixed(0)}), stop median ${median(stops).toFixed(0)} ms, n=${runs}`,
  );
}
