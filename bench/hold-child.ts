/**
 * One side of the hold benchmark, in its own process so its memory and CPU are its own: N clients
 * (our fleet or npm `eventsource`) connect to the hold server, then hold their streams for a while
 * as the server sends 1 event + 1 heartbeat per second to each. Reports over IPC:
 *
 *   child -> {type:'connected', ...memory}   all N open (or the connect timeout passed)
 *   child -> {type:'done', ...}              after the hold: CPU time, events, fewest connected
 *   parent -> 'stop'                          close everything and exit
 *
 * Run with --expose-gc (the parent does) so memory is read after a full collection.
 */
import { clientsFor, memory, type ClientSpec, type MemorySample } from './bench-clients.ts';

export interface HoldChildConfig extends ClientSpec {
  holdMs: number;
  connectTimeoutMs: number;
  /** Pause after connecting before memory is read and the hold starts (buffers settle). */
  settleMs: number;
}

export type HoldChildMessage =
  | { type: 'connected'; connected: number; connectMs: number; before: MemorySample; after: MemorySample }
  | {
      type: 'done';
      holdMs: number;
      delivered: number;
      cpuUserUs: number;
      cpuSystemUs: number;
      /** Fewest streams open at any sample (every 250 ms) during the hold. */
      connectedMin: number;
      connectedEnd: number;
      after: MemorySample;
    }
  | { type: 'error'; message: string };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(config: HoldChildConfig): Promise<void> {
  const send = (m: HoldChildMessage): void => void process.send!(m);
  const clients = clientsFor(config);
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
    await sleep(config.settleMs);
    send({ type: 'connected', connected: clients.connected(), connectMs, before, after: memory() });
    const events0 = clients.events();
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    let connectedMin = clients.connected();
    while (performance.now() - t1 < config.holdMs) {
      await sleep(250);
      connectedMin = Math.min(connectedMin, clients.connected());
    }
    const cpu = process.cpuUsage(cpu0);
    const holdMs = performance.now() - t1;
    const delivered = clients.events() - events0;
    send({
      type: 'done',
      holdMs,
      delivered,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      connectedMin,
      connectedEnd: clients.connected(),
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

const raw = process.env.HOLD_CHILD_CONFIG;
if (!raw)
  throw new Error(
    'hold-child: HOLD_CHILD_CONFIG (JSON HoldChildConfig) is not set; run it via bench/hold-bench.ts',
  );
await main(JSON.parse(raw) as HoldChildConfig);
