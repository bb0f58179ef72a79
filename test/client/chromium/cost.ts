/**
 * Cost figure: what one real Chromium costs while holding N EventSources over HTTP/1.1 (6 per browser
 * context, so every one streams), with the SSE server in another process (so the figures are the
 * browser's and the harness's). Memory is the whole browser process tree (RSS sum and PSS sum);
 * CPU is browser-tree CPU time and this process's (the CDP handling) over a steady window, as a
 * percentage of one core. Logs a table; asserts nothing.
 *   node --import tsx test/client/chromium/cost.ts [N,N,...=10,50,100] [eventsPerSec=10] [windowMs=10000]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { launchChromium, openChromiumGroup } from '../../../harness/client/chromium/index.ts';
import { createRunClock } from '../../../harness/history/clock.ts';
import { History } from '../../../harness/history/store.ts';

const SIZES = (process.argv[2] ?? '10,50,100').split(',').map(Number);
const RATE = Number(process.argv[3] ?? 10);
const WINDOW_MS = Number(process.argv[4] ?? 10_000);
const mib = (b: number): string => (b / 2 ** 20).toFixed(0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const fixture = fileURLToPath(new URL('../fixtures/sse-fixture-server.ts', import.meta.url));
const server = spawn(process.execPath, ['--import', 'tsx', fixture], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const rows: string[] = [];
try {
  const [line] = (await once(server.stdout, 'data')) as [Buffer];
  const base = line.toString().trim();
  const url = `${base}/sse?interval=${Math.round(1000 / RATE)}&hb=1000&size=200`;
  for (const n of SIZES) {
    const browser = await launchChromium();
    try {
      await sleep(1000);
      const idle = browser.usage();
      const clock = createRunClock();
      const history = new History();
      const t0 = performance.now();
      const group = await openChromiumGroup({ browser, url, count: n, history, clock });
      const openMs = performance.now() - t0;
      while (group.counters.connected < n) await sleep(20);
      const readyMs = performance.now() - t0;
      await sleep(2000); // settle
      const u0 = browser.usage();
      const c0 = process.cpuUsage();
      const e0 = group.counters.events;
      const w0 = performance.now();
      await sleep(WINDOW_MS);
      const wall = performance.now() - w0;
      const u1 = browser.usage();
      const c1 = process.cpuUsage(c0);
      const events = group.counters.events - e0;
      await group.stop();
      const browserCpu = ((u1.cpuMs - u0.cpuMs) / wall) * 100;
      const nodeCpu = ((c1.user + c1.system) / 1000 / wall) * 100;
      rows.push(
        `| ${n} | ${group.contexts} | ${u1.processes} | ${mib(idle.pssBytes)} | ${mib(u1.pssBytes)} | ` +
          `${((u1.pssBytes - idle.pssBytes) / n / 2 ** 20).toFixed(1)} | ${mib(u1.rssBytes)} | ` +
          `${Math.round(events / (wall / 1000))} | ${browserCpu.toFixed(0)}% | ${nodeCpu.toFixed(0)}% | ` +
          `${Math.round(openMs)} / ${Math.round(readyMs)} | ${group.timeClamp.count} (max ${group.timeClamp.maxMs.toFixed(1)} ms) |`,
      );
      console.log(rows.at(-1));
    } finally {
      await browser.stop();
    }
  }
} finally {
  server.kill('SIGKILL');
}
console.log(
  `\n${RATE} events/s per EventSource (200-byte payloads) + 1 heartbeat/s, steady window ${WINDOW_MS} ms\n` +
    '| EventSources | contexts | processes | PSS idle browser MiB | PSS MiB | PSS per EventSource MiB | RSS sum MiB | events/s received | browser CPU (of one core) | harness CPU | open / all streaming ms | times raised |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' +
    rows.join('\n'),
);
