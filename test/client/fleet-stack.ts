/**
 * Scale figure through the real stack: N subscribers -> toxiproxy edge -> nginx (profile `good`) ->
 * toxiproxy origin -> reference server, all local processes. Publishes `events` numbered events and
 * waits until every subscriber has every one. Logs times, memory and history counts; asserts nothing.
 *   node --expose-gc --import tsx test/client/fleet-stack.ts [N=1000] [events=5]
 */
import { request } from 'undici';
import { createFleet } from '../../harness/client/fleet.ts';
import { createRunClock } from '../../harness/history/clock.ts';
import { encodePayload } from '../../harness/history/payload.ts';
import { History } from '../../harness/history/store.ts';
import { startTopology } from '../../harness/topology/index.ts';

const N = Number(process.argv[2] ?? 1000);
const EVENTS = Number(process.argv[3] ?? 5);
const HEARTBEAT_MS = 1000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const topology = await startTopology({
  profile: 'good',
  profileParams: { heartbeatMs: HEARTBEAT_MS, workerConnections: 4 * N + 256 },
  target: { kind: 'reference', options: { heartbeatMs: HEARTBEAT_MS } },
  runtime: 'local',
});
try {
  const clock = createRunClock();
  const history = new History();
  gc();
  const mem0 = process.memoryUsage();
  const fleet = createFleet({
    size: N,
    url: topology.urls.stream,
    topics: ['a'],
    rampMs: 1000,
    history,
    clock,
    heartbeatMs: HEARTBEAT_MS,
    stallMultiple: 10,
    seed: 1,
  });
  try {
    const t0 = performance.now();
    await fleet.start();
    while (fleet.counters.connected < N) {
      if (performance.now() - t0 > 60_000)
        throw new Error(`only ${fleet.counters.connected}/${N} connected after 60 s`);
      await sleep(20);
    }
    const tConnected = performance.now() - t0;
    const t1 = performance.now();
    for (let seq = 1; seq <= EVENTS; seq++) {
      const res = await request(topology.urls.publish, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          topic: 'a',
          data: encodePayload({ seq, publishedAt: clock.now(), topic: 'a' }, 128),
        }),
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`publish ${seq} answered ${res.statusCode}`);
    }
    while (fleet.counters.events < N * EVENTS) {
      if (performance.now() - t1 > 60_000)
        throw new Error(`only ${fleet.counters.events}/${N * EVENTS} events`);
      await sleep(20);
    }
    const tEvents = performance.now() - t1;
    await sleep(HEARTBEAT_MS * 1.5); // let a heartbeat reach everyone
    gc();
    const mem1 = process.memoryUsage();
    const lat = [...history.ofKind('event')].map((e) => e.t - e.publishedAt!).sort((a, b) => a - b);
    const q = (p: number): string => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
    console.log(`subscribers ${N} through edge -> nginx(good) -> origin -> reference server`);
    console.log(`all connected (1 s ramp) after ${tConnected.toFixed(0)} ms`);
    console.log(
      `${EVENTS} publishes -> all ${N * EVENTS} deliveries in ${tEvents.toFixed(0)} ms; latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`,
    );
    console.log(
      `client memory delta: heap ${mib(mem1.heapUsed - mem0.heapUsed)}, rss ${mib(mem1.rss - mem0.rss)}`,
    );
    console.log(
      `history: ${history.size} records: ${history.count('connect')} connect, ${history.count('response')} response, ` +
        `${history.count('first-byte')} first-byte, ${history.count('event')} event, ${history.count('heartbeat')} heartbeat, ` +
        `${history.count('retry')} retry, ${history.count('close')} close`,
    );
  } finally {
    await fleet.stop();
  }
} finally {
  await topology.stop();
}
