/**
 * One side of the fleet benchmark, in its own process so its memory is measured cleanly: either our
 * harness fleet (createFleet + History, everything a scenario records) or N npm `eventsource` (v5)
 * clients doing the same work. Driven by the parent over IPC:
 *
 *   child -> {type:'connected', ...memory}   all N open
 *   parent publishes `events` events
 *   child -> {type:'done', ...cpu, memory}   all N x events received (or timed out)
 *   parent -> 'stop'                          close everything and exit
 *
 * Run with --expose-gc (the parent does) so memory is read after a full collection.
 */
import { clientsFor, memory, type ClientKind, type MemorySample } from './bench-clients.ts';

export type { MemorySample } from './bench-clients.ts';

export interface FleetChildConfig {
  kind: ClientKind;
  count: number;
  /** Stream URL(s) through edge (one per toxiproxy process), without topics. */
  url: string | string[];
  topic: string;
  events: number;
  rampMs: number;
  heartbeatMs: number;
  connectTimeoutMs: number;
  eventsTimeoutMs: number;
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(config: FleetChildConfig): Promise<void> {
  const send = (m: ChildMessage): void => void process.send!(m);
  const clients = clientsFor({ ...config, topics: [config.topic] });
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
