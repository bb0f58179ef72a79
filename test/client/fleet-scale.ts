/**
 * Scale figure: N subscribers against a local SSE server in another process (so the numbers are the
 * client's): connect all, receive `events` each, then stop. Logs time and memory; asserts nothing.
 *   node --expose-gc --import tsx test/client/fleet-scale.ts [N=1000] [events=5]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createFleet } from '../../harness/client/fleet.ts';
import { createRunClock } from '../../harness/history/clock.ts';
import { History } from '../../harness/history/store.ts';

const N = Number(process.argv[2] ?? 1000);
const EVENTS = Number(process.argv[3] ?? 5);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

const fixture = fileURLToPath(new URL('./fixtures/sse-fixture-server.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const base = line.toString().trim();
  gc();
  const mem0 = process.memoryUsage();
  const history = new History();
  const fleet = createFleet({
    size: N,
    url: `${base}/sse?count=${EVENTS}&interval=200&hb=1000`,
    history,
    clock: createRunClock(),
    heartbeatMs: 1000,
    stallMultiple: 10,
    seed: 1,
  });
  const t0 = performance.now();
  await fleet.start();
  while (fleet.counters.connected < N) await new Promise((r) => setTimeout(r, 10));
  const tConnected = performance.now() - t0;
  while (fleet.counters.events < N * EVENTS) await new Promise((r) => setTimeout(r, 10));
  const tEvents = performance.now() - t0;
  gc();
  const mem1 = process.memoryUsage();
  console.log(`subscribers ${N}, events each ${EVENTS}, server in a child process`);
  console.log(
    `all connected after ${tConnected.toFixed(0)} ms; all ${N * EVENTS} events after ${tEvents.toFixed(0)} ms`,
  );
  console.log(
    `client memory delta: heap ${mib(mem1.heapUsed - mem0.heapUsed)}, rss ${mib(mem1.rss - mem0.rss)}` +
      ` (${((mem1.heapUsed - mem0.heapUsed) / N / 1024).toFixed(1)} KiB heap per subscriber)`,
  );
  console.log(
    `history: ${history.size} records (${history.count('event')} events, ${history.count('connect')} connects)`,
  );
  const t1 = performance.now();
  await fleet.stop();
  console.log(`stop: ${(performance.now() - t1).toFixed(0)} ms, connected now ${fleet.counters.connected}`);
} finally {
  child.kill('SIGTERM');
  await once(child, 'exit');
}
