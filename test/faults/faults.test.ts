/**
 * The nemesis against a real stack (toxiproxy, nginx, reference server): each fault leaves the
 * state it promises in toxiproxy, its undo restores it, and stopping the nemesis early repairs
 * everything and closes every window in the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFault, faultRegistry } from '../../harness/faults/registry.ts';
import { startNemesis } from '../../harness/faults/nemesis.ts';
import { toxiproxyApi } from '../../harness/faults/toxiproxy-api.ts';
import type { HistoryRecord, Leg } from '../../harness/history/records.ts';
import { startTopology } from '../../harness/topology/index.ts';
import type { Topology } from '../../harness/topology/topology.ts';

let topo: Topology;

beforeAll(async () => {
  topo = await startTopology({
    profile: 'good',
    target: { kind: 'reference', options: { heartbeatMs: 500, retryMs: 500 } },
    runtime: 'local',
  });
});

afterAll(async () => {
  await topo?.stop();
});

interface ProxyState {
  enabled: boolean;
  toxics: { name: string; type: string; stream: string; attributes: Record<string, number> }[];
}

async function proxyState(leg: Leg): Promise<ProxyState> {
  const res = await fetch(`${topo.urls.toxiproxyApi}/proxies/${leg}`);
  return (await res.json()) as ProxyState;
}

async function applyFault(name: string, leg: Leg, params: Record<string, unknown>) {
  const def = getFault(name);
  const records: HistoryRecord[] = [];
  const undo = await def.apply({
    topology: topo,
    leg,
    params: def.params.parse(params),
    api: toxiproxyApi(topo.urls.toxiproxyApi),
    uid: 't1',
    record: (r) => records.push(r),
    now: () => performance.now(),
  });
  return { undo, records };
}

describe('fault registry on a real toxiproxy', () => {
  const toxics: [string, Record<string, unknown>, string, Record<string, number>][] = [
    ['latency', { latency: 120, jitter: 10 }, 'latency', { latency: 120, jitter: 10 }],
    ['bandwidth', { rate: 3 }, 'bandwidth', { rate: 3 }],
    ['blackhole', {}, 'timeout', { timeout: 0 }],
    [
      'slicer',
      { averageSize: 16, sizeVariation: 4, delayUs: 10 },
      'slicer',
      { average_size: 16, size_variation: 4, delay: 10 },
    ],
    ['limit-data', { bytes: 700 }, 'limit_data', { bytes: 700 }],
  ];
  for (const [fault, params, type, attributes] of toxics) {
    it(`${fault} adds a ${type} toxic and its undo removes it`, async () => {
      for (const leg of ['edge', 'origin'] as const) {
        const { undo } = await applyFault(fault, leg, params);
        const during = await proxyState(leg);
        expect(during.toxics).toHaveLength(1);
        expect(during.toxics[0]).toMatchObject({ type, stream: 'downstream', attributes });
        await undo();
        expect((await proxyState(leg)).toxics).toEqual([]);
      }
    });
  }

  it('cut disables the proxy (refusing connections) and undo re-enables it', async () => {
    const { undo } = await applyFault('cut', 'edge-b', {});
    expect((await proxyState('edge-b')).enabled).toBe(false);
    await expect(fetch(topo.urls.streamB, { signal: AbortSignal.timeout(3000) })).rejects.toThrow();
    await undo();
    expect((await proxyState('edge-b')).enabled).toBe(true);
    const res = await fetch(topo.urls.streamB, { signal: AbortSignal.timeout(3000) });
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });

  it('rejects a bandwidth of 0 before it can reach toxiproxy', () => {
    expect(getFault('bandwidth').params.safeParse({ rate: 0 }).success).toBe(false);
    expect([...faultRegistry.keys()]).toEqual(
      expect.arrayContaining([
        'latency',
        'bandwidth',
        'blackhole',
        'cut',
        'slicer',
        'limit-data',
        'nginx-reload',
        'target-sigterm',
        'target-sigkill',
      ]),
    );
  });
});

describe('nginx and target faults', () => {
  it('nginx-reload to another profile and back, recorded', async () => {
    const { undo, records } = await applyFault('nginx-reload', 'edge', { profile: 'short-read-timeout' });
    expect(topo.proxy.profile).toBe('short-read-timeout');
    await undo();
    expect(topo.proxy.profile).toBe('good');
    expect(records.map((r) => (r.kind === 'nginx' ? r.profile : r.kind))).toEqual([
      'short-read-timeout',
      'good',
    ]);
  });

  it('target-sigkill kills and restarts the target, which answers again', async () => {
    const { undo, records } = await applyFault('target-sigkill', 'edge', {});
    await undo();
    expect(records.map((r) => (r.kind === 'target' ? r.action : r.kind))).toEqual([
      'sigkill',
      'exit',
      'restart',
      'ready',
    ]);
    expect(topo.target.running).toBe(true);
    const res = await fetch(topo.urls.stream, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });
});

describe('nemesis', () => {
  it('stopping early undoes active faults, skips pending ones and closes every window', async () => {
    const records: HistoryRecord[] = [];
    const now = () => performance.now();
    const nemesis = startNemesis(
      [
        { at: 0, duration: 60_000, action: 'latency', params: { latency: 50 }, leg: 'edge' },
        { at: 0, duration: 60_000, action: 'cut', params: {}, leg: 'edge-b' },
        { at: 60_000, duration: 1000, action: 'blackhole', params: {}, leg: 'origin' },
      ],
      {
        topology: topo,
        api: toxiproxyApi(topo.urls.toxiproxyApi),
        record: (r) => records.push(r),
        now,
        origin: now(),
      },
    );
    // Wait until both immediate faults are in place.
    for (let i = 0; i < 50 && records.filter((r) => r.kind === 'fault-start').length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await proxyState('edge')).toxics).toHaveLength(1);
    expect((await proxyState('edge-b')).enabled).toBe(false);
    await nemesis.stop();
    expect((await proxyState('edge')).toxics).toEqual([]);
    expect((await proxyState('edge-b')).enabled).toBe(true);
    expect((await proxyState('origin')).toxics).toEqual([]);
    const starts = records.filter((r) => r.kind === 'fault-start');
    const ends = records.filter((r) => r.kind === 'fault-end');
    expect(starts.map((r) => r.fault).sort()).toEqual(['cut', 'latency']);
    expect(ends.map((r) => (r.kind === 'fault-end' ? r.id : -1)).sort()).toEqual(
      starts.map((r) => (r.kind === 'fault-start' ? r.id : -2)).sort(),
    );
    expect(nemesis.errors).toEqual([]);
  });

  it('records an apply failure as an error on the window', async () => {
    const records: HistoryRecord[] = [];
    const now = () => performance.now();
    const nemesis = startNemesis(
      [{ at: 0, duration: 10, action: 'nginx-reload', params: { profile: 'no-such-profile' } }],
      {
        topology: topo,
        api: toxiproxyApi(topo.urls.toxiproxyApi),
        record: (r) => records.push(r),
        now,
        origin: now(),
      },
    );
    await nemesis.done;
    expect(nemesis.errors).toHaveLength(1);
    expect(nemesis.errors[0]).toContain('nginx-reload: apply failed');
    const end = records.find((r) => r.kind === 'fault-end');
    expect(end && end.kind === 'fault-end' && end.error).toContain('apply failed');
  });
});
