/**
 * Benchmark 2: fleet cost through the real stack (edge toxiproxy -> nginx -> origin toxiproxy ->
 * reference server). Our harness fleet and the npm `eventsource` package each hold the same number of
 * subscribers and receive the same events, each in a fresh child process so RSS and heap deltas are
 * theirs alone. Reports subscribers held, memory per connection and CPU per delivered event.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Topology } from '../harness/topology/index.ts';
import type { ChildMessage, FleetChildConfig, MemorySample } from './fleet-child.ts';
import { nextMessage, stopForked } from './child-ipc.ts';
import { maxStreamsFor } from '../harness/run/fd-preflight.ts';
import { raiseFdLimit } from './fd-limit.ts';
import { treeRss } from './proc-stats.ts';
import type { BenchContext, BenchRow, Benchmark } from './result.ts';
import { publish, sleep, startBenchStack, streamUrls } from './stack.ts';
import { referenceServerArgs, startServerChild } from './child-process.ts';
import { round } from './stats.ts';

export const FLEET_GOAL_COUNT = 10_000;
export const FLEET_GOAL_MEMORY_RATIO = 0.5;
const HEARTBEAT_MS = 5_000;
const TOPIC = 'bench';

interface SideResult {
  kind: FleetChildConfig['kind'];
  requested: number;
  connected: number;
  connectMs: number;
  delivered: number;
  expected: number;
  deliverMs: number;
  rssPerConnKiB: number;
  heapPerConnKiB: number;
  cpuUsPerEvent: number;
  memory: { before: MemorySample; connected: MemorySample; afterEvents: MemorySample };
  stackRssMiB: Record<string, number>;
}

const childFile = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));

function stackRss(topology: Topology): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of topology.processes?.() ?? []) {
    const rss = treeRss(p.pid);
    if (rss !== undefined) out[p.component] = round(rss / 2 ** 20, 1);
  }
  return out;
}

async function runSide(
  publishUrl: string,
  config: FleetChildConfig,
  ctx: BenchContext,
  serverRss: () => Record<string, number>,
): Promise<SideResult> {
  const child = fork(childFile, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, FLEET_CHILD_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const connected = await nextMessage<ChildMessage>(child, config.connectTimeoutMs + 30_000, 'fleet');
    if (connected.type !== 'connected')
      throw new Error(`fleet child: expected "connected", got ${connected.type}`);
    ctx.log(
      `fleet ${config.kind} ${config.count}: ${connected.connected}/${config.count} connected in ${connected.connectMs.toFixed(0)} ms`,
    );
    const stackAtConnect = serverRss();
    const doneP = nextMessage<ChildMessage>(child, config.eventsTimeoutMs + 30_000, 'fleet');
    for (let seq = 1; seq <= config.events; seq++) {
      await publish(publishUrl, TOPIC, seq, performance.now());
      await sleep(100);
    }
    const done = await doneP;
    if (done.type !== 'done') throw new Error(`fleet child: expected "done", got ${done.type}`);
    const n = Math.max(1, connected.connected);
    const events = Math.max(1, done.delivered);
    ctx.log(
      `fleet ${config.kind} ${config.count}: ${done.delivered}/${connected.connected * config.events} events in ${done.deliverMs.toFixed(0)} ms`,
    );
    return {
      kind: config.kind,
      requested: config.count,
      connected: connected.connected,
      connectMs: round(connected.connectMs, 0),
      delivered: done.delivered,
      expected: connected.connected * config.events,
      deliverMs: round(done.deliverMs, 0),
      rssPerConnKiB: round((connected.after.rss - connected.before.rss) / n / 1024, 2),
      heapPerConnKiB: round((connected.after.heapUsed - connected.before.heapUsed) / n / 1024, 2),
      cpuUsPerEvent: round((done.cpuUserUs + done.cpuSystemUs) / events, 2),
      memory: { before: connected.before, connected: connected.after, afterEvents: done.after },
      stackRssMiB: stackAtConnect,
    };
  } finally {
    await stopForked(child);
  }
}

/**
 * Streams the stack can carry under an fd limit, laid out per process (several toxiproxy-server
 * processes and nginx workers): the target, one process with 1 fd per stream, is what binds; the
 * client child holds 1 per stream too.
 */
export function stackCapacity(fdLimit: number): number {
  return Math.max(100, Math.floor(maxStreamsFor(fdLimit - 1_000, 'local') / 100) * 100);
}

function childConfig(
  kind: FleetChildConfig['kind'],
  count: number,
  url: FleetChildConfig['url'],
): FleetChildConfig {
  return {
    kind,
    count,
    url,
    topic: TOPIC,
    events: 5,
    rampMs: Math.round(count * 0.5),
    heartbeatMs: HEARTBEAT_MS,
    connectTimeoutMs: 20_000 + count * 2,
    eventsTimeoutMs: 30_000,
  };
}

/** Both sides through a fresh stack each (so one side's closing streams never burden the other). */
async function throughStack(
  count: number,
  ctx: BenchContext,
): Promise<{ sides: SideResult[]; notes: string[] }> {
  const sides: SideResult[] = [];
  const notes: string[] = [];
  for (const kind of ['ours', 'eventsource'] as const) {
    const topology = await startBenchStack(count, HEARTBEAT_MS);
    try {
      sides.push(
        await runSide(topology.urls.publish, childConfig(kind, count, streamUrls(topology)), ctx, () =>
          stackRss(topology),
        ),
      );
      const nginxLog = await topology.proxy.errorLog().catch(() => '');
      if (/worker_connections are not enough/.test(nginxLog))
        notes.push(`fleet (${kind}): nginx logged "worker_connections are not enough"`);
      if (/Too many open files/i.test(nginxLog))
        notes.push(`fleet (${kind}): nginx logged "Too many open files"`);
      const toxiLog = (await topology.logs().catch(() => ({ toxiproxy: '' }))).toxiproxy;
      if (/too many open files/i.test(toxiLog))
        notes.push(`fleet (${kind}): toxiproxy logged "too many open files"`);
    } finally {
      await topology.stop();
    }
  }
  return { sides, notes };
}

/** Both sides straight to a fresh reference server each: the harness's own capacity, no proxies in the way. */
async function direct(count: number, ctx: BenchContext): Promise<SideResult[]> {
  const sides: SideResult[] = [];
  for (const kind of ['ours', 'eventsource'] as const) {
    const server = await startServerChild('reference server', referenceServerArgs(HEARTBEAT_MS));
    try {
      sides.push(
        await runSide(
          `${server.url}/publish`,
          childConfig(kind, count, `${server.url}/events`),
          ctx,
          (): Record<string, number> => {
            const rss = treeRss(server.pid);
            return rss === undefined ? {} : { target: round(rss / 2 ** 20, 1) };
          },
        ),
      );
    } finally {
      await server.stop();
    }
  }
  return sides;
}

const pick = (sides: SideResult[], kind: SideResult['kind']): SideResult =>
  sides.find((s) => s.kind === kind)!;

function memoryRows(where: string, sides: SideResult[], goal: boolean): BenchRow[] {
  const ours = pick(sides, 'ours');
  const es = pick(sides, 'eventsource');
  const memRatio = ours.rssPerConnKiB / es.rssPerConnKiB;
  return [
    {
      benchmark: 'fleet',
      metric: `RSS per connection (${where}, ${ours.connected.toLocaleString('en')})`,
      ours: ours.rssPerConnKiB,
      baseline: es.rssPerConnKiB,
      ratio: round(memRatio),
      goal: goal ? `<= ${FLEET_GOAL_MEMORY_RATIO}x` : '(info)',
      met: goal ? memRatio <= FLEET_GOAL_MEMORY_RATIO : undefined,
      unit: 'KiB',
    },
    {
      benchmark: 'fleet',
      metric: `JS heap per connection (${where})`,
      ours: ours.heapPerConnKiB,
      baseline: es.heapPerConnKiB,
      ratio: round(ours.heapPerConnKiB / es.heapPerConnKiB),
      goal: '(info)',
      unit: 'KiB',
    },
    {
      benchmark: 'fleet',
      metric: `CPU per delivered event (${where})`,
      ours: ours.cpuUsPerEvent,
      baseline: es.cpuUsPerEvent,
      ratio: round(ours.cpuUsPerEvent / es.cpuUsPerEvent),
      goal: '(info)',
      unit: 'µs',
    },
  ];
}

export const fleetBench: Benchmark = async (ctx: BenchContext) => {
  const fd = raiseFdLimit(6 * FLEET_GOAL_COUNT + 4_096);
  ctx.log(`fleet: ${fd.note}`);
  const fdSoft = fd.limit?.soft ?? 1024;
  const capacity = stackCapacity(fdSoft);
  const stackCount = ctx.quick ? Math.min(1_000, capacity) : Math.min(FLEET_GOAL_COUNT, capacity);
  const notes: string[] = [];
  const stack = await throughStack(stackCount, ctx);
  notes.push(...stack.notes);
  const directSides = ctx.quick ? [] : await direct(FLEET_GOAL_COUNT, ctx);

  const sOurs = pick(stack.sides, 'ours');
  const sEs = pick(stack.sides, 'eventsource');
  const heldStack = sOurs.connected >= FLEET_GOAL_COUNT && sOurs.delivered >= sOurs.expected;
  if (!heldStack) {
    notes.push(
      ctx.quick
        ? `fleet: --quick runs ${stackCount} through the stack; the 10,000 goal is judged by the full run`
        : `fleet: through the stack ${sOurs.connected.toLocaleString('en')}/${stackCount.toLocaleString('en')} held (goal 10,000): ` +
            `the stack was laid out for ${stackCount.toLocaleString('en')} streams under the fd limit ${fd.limit?.hard} (toxiproxy processes and nginx workers per process); see details.stack`,
    );
  }
  const rows: BenchRow[] = [
    {
      benchmark: 'fleet',
      metric: 'subscribers held through the stack',
      ours: sOurs.connected,
      baseline: sEs.connected,
      ratio: round(sOurs.connected / Math.max(1, sEs.connected)),
      goal: `${FLEET_GOAL_COUNT.toLocaleString('en')} concurrent`,
      met: heldStack,
      unit: 'subs',
    },
  ];
  if (directSides.length > 0) {
    const dOurs = pick(directSides, 'ours');
    const dEs = pick(directSides, 'eventsource');
    const heldDirect = dOurs.connected >= FLEET_GOAL_COUNT && dOurs.delivered >= dOurs.expected;
    if (!heldDirect)
      notes.push(
        `fleet: direct to the server ${dOurs.connected}/${FLEET_GOAL_COUNT} held, ${dOurs.delivered}/${dOurs.expected} events`,
      );
    rows.push({
      benchmark: 'fleet',
      metric: 'subscribers held, direct to the server',
      ours: dOurs.connected,
      baseline: dEs.connected,
      ratio: round(dOurs.connected / Math.max(1, dEs.connected)),
      goal: `${FLEET_GOAL_COUNT.toLocaleString('en')} concurrent`,
      met: heldDirect,
      unit: 'subs',
    });
    rows.push(...memoryRows('direct', directSides, true), ...memoryRows('stack', stack.sides, false));
    const r = dOurs.rssPerConnKiB / dEs.rssPerConnKiB;
    if (r > FLEET_GOAL_MEMORY_RATIO)
      notes.push(
        `fleet: RSS per connection ${dOurs.rssPerConnKiB} KiB vs eventsource ${dEs.rssPerConnKiB} KiB at 10,000 (${r.toFixed(2)}x > ${FLEET_GOAL_MEMORY_RATIO}x)`,
      );
  } else {
    rows.push(...memoryRows('stack', stack.sides, true));
    const r = sOurs.rssPerConnKiB / sEs.rssPerConnKiB;
    if (r > FLEET_GOAL_MEMORY_RATIO)
      notes.push(
        `fleet: RSS per connection ${sOurs.rssPerConnKiB} KiB vs eventsource ${sEs.rssPerConnKiB} KiB (${r.toFixed(2)}x > ${FLEET_GOAL_MEMORY_RATIO}x)`,
      );
  }
  return {
    rows,
    details: {
      fdLimit: { ...fd, stackCapacity: capacity },
      heartbeatMs: HEARTBEAT_MS,
      note: 'ours = createFleet + History (records every connect/event/heartbeat); eventsource = npm eventsource 5 (onmessage counter). Each side in a fresh child process against a fresh stack/server.',
      stack: stack.sides,
      direct: directSides,
    },
    notes,
  };
};
