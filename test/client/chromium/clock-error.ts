/**
 * Timestamp figure: how far after the server's write each event is recorded, with Chromium's own CDP
 * timestamps (`cdp`) and with stamps taken when CDP's report reaches us (`arrival`), next to the
 * modelled subscriber on the same stream. The server runs in this process and stamps each payload on
 * the run clock just before writing it, so `t - publishedAt` is delivery plus stamping error; the
 * true delivery over loopback is well under a millisecond. Logs a table; asserts nothing.
 *   node --import tsx test/client/chromium/clock-error.ts [events=200] [intervalMs=50] [perMode=6]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium, openChromiumGroup } from '../../../harness/client/chromium/index.ts';
import { createStreamAgent } from '../../../harness/client/fleet.ts';
import { createSubscriber } from '../../../harness/client/subscriber.ts';
import { createRunClock } from '../../../harness/history/clock.ts';
import { encodePayload } from '../../../harness/history/payload.ts';
import { History } from '../../../harness/history/store.ts';

const EVENTS = Number(process.argv[2] ?? 200);
const INTERVAL = Number(process.argv[3] ?? 50);
const PER_MODE = Number(process.argv[4] ?? 6);
const clock = createRunClock();
const streams = new Set<http.ServerResponse>();
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(': open\n\n');
  streams.add(res);
  req.on('close', () => streams.delete(res));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
const browser = await launchChromium();
const agent = createStreamAgent();
const pct = (xs: number[], p: number): number =>
  xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
try {
  const cdp = new History();
  const arrival = new History();
  const model = new History();
  const g1 = await openChromiumGroup({ browser, url, count: PER_MODE, history: cdp, clock, timeBase: 'cdp' });
  const g2 = await openChromiumGroup({
    browser,
    url,
    count: PER_MODE,
    history: arrival,
    clock,
    timeBase: 'arrival',
  });
  const subs = Array.from({ length: PER_MODE }, (_, sub) =>
    createSubscriber({ sub, url, profile: 'browser', history: model, clock, dispatcher: agent }),
  );
  subs.forEach((s) => s.start());
  while (streams.size < 3 * PER_MODE) await new Promise((r) => setTimeout(r, 20));
  for (let seq = 1; seq <= EVENTS; seq++) {
    await new Promise((r) => setTimeout(r, INTERVAL));
    const frame = `id: ${seq}\ndata: ${encodePayload({ seq, publishedAt: clock.now(), topic: 'a' }, 200)}\n\n`;
    for (const res of streams) res.write(frame);
  }
  await new Promise((r) => setTimeout(r, 500));
  await g1.stop();
  await g2.stop();
  await Promise.all(subs.map((s) => s.stop()));
  console.log(
    `${EVENTS} events every ${INTERVAL} ms to ${PER_MODE} subscribers per row; ms from the server's write`,
  );
  console.log('| stamping | events | min | p50 | p95 | p99 | max | below 0 |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, h] of [
    ['chromium, CDP timestamps', cdp],
    ['chromium, on arrival', arrival],
    ['model (undici), on arrival', model],
  ] as const) {
    const d = [...h.ofKind('event')].map((e) => e.t - e.publishedAt!).sort((a, b) => a - b);
    const f = (x: number): string => x.toFixed(2);
    console.log(
      `| ${name} | ${d.length} | ${f(d[0]!)} | ${f(pct(d, 50))} | ${f(pct(d, 95))} | ${f(pct(d, 99))} | ` +
        `${f(d.at(-1)!)} | ${d.filter((x) => x < 0).length} |`,
    );
  }
  console.log(
    `time base: ${g1.timeBase}; record times raised for order: ${g1.timeClamp.count} (max ${g1.timeClamp.maxMs.toFixed(2)} ms)`,
  );
} finally {
  await browser.stop();
  await agent.close();
  server.closeAllConnections();
  server.close();
}
