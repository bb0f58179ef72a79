/**
 * The two client sides the fleet and hold benchmarks compare, behind one small interface, plus the
 * memory reading both take. Ours is the harness fleet as a scenario runs it (createFleet + History,
 * every connect, event and heartbeat recorded); the baseline is N npm `eventsource` (v5) clients
 * counting messages. Both connect with the same even ramp, so they meet the server at the same rate.
 */
import { EventSource } from 'eventsource';
import { createFleet, createStreamAgent, type Fleet } from '../harness/client/fleet.ts';
import { createRunClock } from '../harness/history/clock.ts';
import { History } from '../harness/history/store.ts';

/**
 * `ours`: the harness fleet as runs use it (plain http: streams on the socket path); `ours-undici`:
 * the same fleet with every stream sent through an undici Agent, the transport it used before the
 * socket path, measured in the same run to show what the socket path changed.
 */
export type ClientKind = 'ours' | 'ours-undici' | 'eventsource';

export interface ClientSpec {
  kind: ClientKind;
  count: number;
  /** Stream URL, without topics; a list when the stack runs several toxiproxy processes (client i uses i mod n). */
  url: string | string[];
  /** Topics to subscribe to (`?topics=`, the reference server's convention); empty: none. */
  topics: string[];
  rampMs: number;
  /** The server's heartbeat interval. */
  heartbeatMs: number;
  /** Our fleet's stall watchdog fires after heartbeatMs x this of silence (default 10). */
  stallMultiple?: number;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Memory after a full collection (the process runs with --expose-gc). */
export function memory(): MemorySample {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** Start, live counts, stop. */
export interface Clients {
  start(): void;
  connected(): number;
  events(): number;
  stop(): Promise<void>;
}

export function clientsFor(spec: ClientSpec): Clients {
  return spec.kind === 'eventsource' ? eventsourceClients(spec) : ourClients(spec);
}

function ourClients(c: ClientSpec): Clients {
  let fleet: Fleet | undefined;
  const agent = c.kind === 'ours-undici' ? createStreamAgent() : undefined;
  return {
    start() {
      fleet = createFleet({
        size: c.count,
        url: c.url,
        topics: c.topics,
        rampMs: c.rampMs,
        history: new History(),
        clock: createRunClock(),
        heartbeatMs: c.heartbeatMs,
        stallMultiple: c.stallMultiple ?? 10,
        seed: 1,
        ...(agent ? { dispatcher: agent } : {}),
      });
      void fleet.start();
    },
    connected: () => fleet?.counters.connected ?? 0,
    events: () => fleet?.counters.events ?? 0,
    stop: async () => {
      await fleet?.stop();
      await agent?.destroy();
    },
  };
}

function eventsourceClients(c: ClientSpec): Clients {
  const sources: EventSource[] = [];
  let open = 0;
  let events = 0;
  let timer: NodeJS.Timeout | undefined;
  const urls = (typeof c.url === 'string' ? [c.url] : c.url).map((u) =>
    c.topics.length === 0
      ? u
      : `${u}${u.includes('?') ? '&' : '?'}topics=${encodeURIComponent(c.topics.join(','))}`,
  );
  return {
    start() {
      // The same even ramp as the fleet's, so both meet the server at the same connect rate.
      const t0 = performance.now();
      const step = (): void => {
        const due =
          c.rampMs <= 0
            ? c.count
            : Math.min(c.count, Math.floor(((performance.now() - t0) / c.rampMs) * c.count) + 1);
        while (sources.length < due) {
          const es = new EventSource(urls[sources.length % urls.length]!);
          es.onopen = () => open++;
          // A named event type (the hold server's `tick`) and unnamed ones both count.
          es.onmessage = () => events++;
          es.addEventListener('tick', () => events++);
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
