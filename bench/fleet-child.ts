/**
 * One side of the fleet benchmark, in its own process so its memory is measured cleanly: either our
 * harness fleet (createFleet + History, everything a scenario records) or N npm `eventsource` (v4)
 * clients doing the same work. Driven by the parent over IPC:
 *
 *   child -> {type:'connected', ...memory}   all N open
 *   parent publishes `events` events
 *   child -> {type:'done', ...cpu, memory}   all N x events received (or timed out)
 *   parent -> 'stop'                          close everything and exit
 *
 * Run with --expose-gc (the parent does) so memory is read after a full collection.
 */
import { EventSource } from 'eventsource';
import { createFleet, type Fleet } from '../harness/client/fleet.ts';
import { createRunClock } from '../harness/history/clock.ts';
import { History } from '../harness/history/store.ts';

export interface FleetChildConfig {
  kind: 'ours' | 'eventsource';
  count: number;
  /** Stream URL (through edge), without topics. */
  url: string;
  topic: string;
  events: number;
  rampMs: number;
  heartbeatMs: number;
  connectTimeoutMs: number;
  eventsTimeoutMs: number;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export type ChildMessage =
  | { type: 'connected'; connected: number; connectMs: number; before: MemorySample; after: MemorySample }
  | {
      type: 'done';
      delivered: number;
      deliverMs: number;
      cpuUserUs: number;
      cpuSystemUs: number;
      after: MemorySample;
    }
  | { type: 'error'; message: string };

const gc = (globalThis as { gc?: () => void }).gc;

function memory(): MemorySample {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The two clients behind one small interface: start, live counts, stop. */
interface Clients {
  start(): void;
  connected(): number;
  events(): number;
  stop(): Promise<void>;
}

function ourClients(c: FleetChildConfig): Clients {
  let fleet: Fleet | undefined;
  return {
    start() {
      fleet = createFleet({
        size: c.count,
        url: c.url,
        topics: [c.topic],
        rampMs: c.rampMs,
        history: new History(),
        clock: createRunClock(),
        heartbeatMs: c.heartbeatMs,
        stallMultiple: 10,
        seed: 1,
      });
      void fleet.start();
    },
    connected: () => fleet?.counters.connected ?? 0,
    events: () => fleet?.counters.events ?? 0,
    stop: async () => {
      await fleet?.stop();
    },
  };
}

function eventsourceClients(c: FleetChildConfig): Clients {
  const sources: EventSource[] = [];
  let open = 0;
  let events = 0;
  let timer: NodeJS.Timeout | undefined;
  const url = `${c.url}${c.url.includes('?') ? '&' : '?'}topics=${encodeURIComponent(c.topic)}`;
  return {
    start() {
      // The same even ramp as the fleet's, so both meet the stack at the same connect rate.
      const t0 = performance.now();
      const step = (): void => {
        const due =
          c.rampMs <= 0
            ? c.count
            : Math.min(c.count, Math.floor(((performance.now() - t0) / c.rampMs) * c.count) + 1);
        while (sources.length < due) {
          const es = new EventSource(url);
          es.onopen = () => open++;
          es.onmessage = () => events++;
          sources.push(es);
        }
        if (sources.length < c.count) timer = setTimeout(step, 5);
      };
      step();
    },
    connected: () => open,
    events: () => events,
    stop: async () => {
      if (timer) clearTimeout(timer);
      for (const es of sources) es.close();
    },
  };
}

async function main(config: FleetChildConfig): Promise<void> {
  const send = (m: ChildMessage): void => void process.send!(m);
  const clients = config.kind === 'ours' ? ourClients(config) : eventsourceClients(config);
  const stopRequested = new Promise<void>((resolve) =>
    process.on('message', (m) => m === 'stop' && resolve()),
  );
  const before = memory();
  const t0 = performance.now();
  try {
    clients.start();
    while (clients.connected() < config.count && performance.now() - t0 < config.connectTimeoutMs)
      await sleep(50);
    const connectMs = performance.now() - t0;
    await sleep(500); // let the first retry:/heartbeat bytes settle into buffers
    send({ type: 'connected', connected: clients.connected(), connectMs, before, after: memory() });
    const want = clients.connected() * config.events;
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    while (clients.events() < want && performance.now() - t1 < config.eventsTimeoutMs) await sleep(20);
    const cpu = process.cpuUsage(cpu0);
    const deliverMs = performance.now() - t1;
    send({
      type: 'done',
      delivered: clients.events(),
      deliverMs,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      after: memory(),
    });
    await stopRequested;
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  } finally {
    await clients.stop();
    process.disconnect?.();
  }
}

const raw = process.env.FLEET_CHILD_CONFIG;
if (!raw)
  throw new Error(
    'fleet-child: FLEET_CHILD_CONFIG (JSON FleetChildConfig) is not set; run it via bench/fleet-bench.ts',
  );
await main(JSON.parse(raw) as FleetChildConfig);
