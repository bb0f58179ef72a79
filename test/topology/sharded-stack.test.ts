/**
 * A stack split over processes for a large fleet: several toxiproxy-server processes, each with
 * every leg, behind one nginx with several workers. Streams pass through every shard, nginx spreads
 * the origin over all of them, and a fault on a leg reaches every shard (or, when one refuses, none).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toxiproxyApi } from '../../harness/faults/toxiproxy-api.ts';
import { startTopology, type Topology } from '../../harness/topology/index.ts';
import { parseTarget } from '../../harness/topology/target.ts';
import { openStream, publish, type StreamProbe } from './helpers/stream-probe.ts';

const spec = parseTarget({ kind: 'reference', options: { heartbeatMs: 500 } });
let topo: Topology;
const open: StreamProbe[] = [];

beforeAll(async () => {
  topo = await startTopology({
    profile: 'good',
    profileParams: { workerProcesses: 2 },
    target: spec,
    runtime: 'local',
    toxiproxyProcesses: 2,
  });
});

afterAll(async () => {
  for (const s of open) s.close();
  await topo?.stop();
});

const toxicsOn = async (api: string, proxy: string): Promise<string[]> => {
  const res = await fetch(`${api}/proxies/${proxy}/toxics`);
  return ((await res.json()) as { name: string }[]).map((t) => t.name);
};

describe('a stack with two toxiproxy processes and two nginx workers', () => {
  it('lists every shard and runs one toxiproxy-server per shard', () => {
    expect(topo.urls.toxiproxyApis).toHaveLength(2);
    expect(topo.urls.streams).toHaveLength(2);
    expect(topo.urls.streamsB).toHaveLength(2);
    expect(topo.urls.toxiproxyApis![0]).toBe(topo.urls.toxiproxyApi);
    expect(topo.urls.streams![0]).toBe(topo.urls.stream);
    expect(new Set(topo.urls.streams).size).toBe(2);
    expect(topo.processes().filter((p) => p.component === 'toxiproxy')).toHaveLength(2);
  });

  it('renders two workers, a reuseport listener and both origin legs as upstream servers', () => {
    const conf = topo.proxy.config;
    expect(conf).toMatch(/^worker_processes 2;$/m);
    expect(conf).toMatch(/listen 127\.0\.0\.1:\d+ reuseport;/);
    const servers = [...conf.matchAll(/^\s+server (127\.0\.0\.1:\d+);$/gm)].map((m) => m[1]);
    expect(servers).toHaveLength(2);
    expect(new Set(servers).size).toBe(2);
  });

  it('delivers events through the edge of every shard', async () => {
    const probes = [...topo.urls.streams!, ...topo.urls.streamsB!].map((u) => openStream(u));
    open.push(...probes);
    await Promise.all(probes.map((p) => p.response));
    for (const p of probes) expect((await p.response).statusCode).toBe(200);
    await publish(spec, topo.urls.publish, 'shard-check');
    for (const p of probes) expect((await p.waitForEvents(1))[0]!.data).toBe('shard-check');
  });

  it('a toxic on a leg lands on every shard and comes off every shard', async () => {
    const api = toxiproxyApi(topo.urls.toxiproxyApis!);
    await api.addToxic('edge', {
      name: 'latency_downstream_fan',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 50, jitter: 0 },
    });
    for (const u of topo.urls.toxiproxyApis!)
      expect(await toxicsOn(u, 'edge')).toEqual(['latency_downstream_fan']);
    await api.removeToxic('edge', 'latency_downstream_fan');
    for (const u of topo.urls.toxiproxyApis!) expect(await toxicsOn(u, 'edge')).toEqual([]);
  });

  it('a toxic one shard refuses is taken off the others, and the error names that shard', async () => {
    const [first, second] = topo.urls.toxiproxyApis!;
    // A proxy only the first shard has: the second answers 404.
    const made = await fetch(`${first}/proxies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lonely', listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: true }),
    });
    expect(made.status).toBe(201);
    const api = toxiproxyApi(topo.urls.toxiproxyApis!);
    const add = api.addToxic('lonely', {
      name: 'latency_downstream_half',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 10, jitter: 0 },
    });
    await expect(add).rejects.toThrow(`1 of 2 toxiproxy processes failed: ${second}`);
    expect(await toxicsOn(first!, 'lonely')).toEqual([]);
  });
});
