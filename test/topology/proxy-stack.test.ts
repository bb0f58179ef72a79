/**
 * HAProxy and Caddy as real proxies in the local stack: streaming end to end, each kind's reload
 * (open streams keep going, new ones get the new config, a config that fails the syntax check is
 * refused and the old one kept), the SSE error page, the user's own config, and nothing left behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InfrastructureError,
  startTopology,
  TopologyConfigError,
  type Topology,
} from '../../harness/topology/index.ts';
import { httpGet } from '../../harness/topology/readiness.ts';
import { parseTarget, type TargetSpec } from '../../harness/topology/target.ts';
import type { ProxyKind } from '../../harness/topology/proxy-kind.ts';
import { openStream, publish, waitGroupsGone, type StreamProbe } from './helpers/stream-probe.ts';

const spec: TargetSpec = parseTarget({ kind: 'reference', options: { heartbeatMs: 1000 } });
const fixtures = join(import.meta.dirname, 'fixtures', 'user-configs');
const open: StreamProbe[] = [];
const stream = (url: string): StreamProbe => {
  const s = openStream(url);
  open.push(s);
  return s;
};
afterAll(() => {
  for (const s of open) s.close();
});

describe.each(['haproxy', 'caddy'] as const)('%s in the local stack', (kind: ProxyKind) => {
  let topo: Topology;
  beforeAll(async () => {
    topo = await startTopology({ profile: 'good', proxy: kind, target: spec, runtime: 'local' });
  });
  afterAll(async () => {
    const pids = topo?.processes().map((p) => p.pid) ?? [];
    await topo?.stop();
    expect(await waitGroupsGone(pids)).toEqual([]);
  });

  it('streams published events end to end and names the proxy and its version', async () => {
    expect(topo.proxy.kind).toBe(kind);
    expect(topo.versions.proxy).toMatch(new RegExp(`^${kind} 2\\.6\\.\\d+$`));
    expect(topo.processes().map((p) => p.component)).toContain(kind);
    const s = stream(topo.urls.stream);
    expect((await s.response).statusCode).toBe(200);
    const id = await publish(spec, topo.urls.publish, 'through ' + kind);
    const [ev] = await s.waitForEvents(1);
    expect(ev).toMatchObject({ id, data: `through ${kind}` });
    s.close();
  });

  it('reloads: new streams get the new profile, a bad profile is refused and the old one kept', async () => {
    const before = stream(topo.urls.stream);
    await before.response;
    const next = kind === 'haproxy' ? 'short-timeouts' : 'read-timeout';
    await topo.proxy.reload(next, { heartbeatMs: 10_000, readTimeoutMs: 5_000 });
    expect(topo.proxy.profile).toBe(next);
    expect(topo.proxy.config).toMatch(kind === 'haproxy' ? /timeout server 5000ms/ : /read_timeout 5000ms/);
    await publish(spec, topo.urls.publish, 'after reload');
    if (kind === 'haproxy') {
      // The old worker keeps serving the stream it holds.
      expect((await before.waitForEvents(1))[0]!.data).toBe('after reload');
    } else {
      // Caddy 2.6 ends every open stream of the old config on a reload (2.7 added stream_close_delay).
      expect(await before.closed).toBeDefined();
      expect(before.events).toEqual([]);
    }
    await expect(topo.proxy.reload('no-such-profile')).rejects.toBeInstanceOf(TopologyConfigError);
    expect(topo.proxy.profile).toBe(next);
    await topo.proxy.reload('good');
    expect((await httpGet(`${topo.urls.nginxDirect}/__sse_chaos/nginx`)).body.trim()).toBe('good 3');
    before.close();
  });

  it('answers an event-stream request with 200 + a retry hint while the target is down (good)', async () => {
    topo.target.kill('SIGKILL');
    await topo.target.waitExit(5000);
    const res = await fetch(topo.urls.stream, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await res.text()).toMatch(/^retry: \d+\n\n$/);
    // Other requests keep the proxy's real error.
    expect((await fetch(topo.urls.stream)).status).toBeGreaterThanOrEqual(500);
    await topo.target.restart();
  });
});

describe("the user's own config in the stack", () => {
  it.each([
    ['nginx', 'sse-location.conf'],
    ['haproxy', 'haproxy.cfg'],
    ['caddy', 'Caddyfile'],
  ] as const)('%s runs %s as profile user, and reloads it', async (kind, name) => {
    const path = join(fixtures, name);
    const userConfig = { kind, file: path, text: readFileSync(path, 'utf8') };
    const topo = await startTopology({
      profile: 'user',
      proxy: kind,
      userConfig,
      target: spec,
      runtime: 'local',
    });
    try {
      expect(topo.proxy.profile).toBe('user');
      const s = stream(topo.urls.stream);
      expect((await s.response).statusCode).toBe(200);
      await publish(spec, topo.urls.publish, 'mine');
      expect((await s.waitForEvents(1))[0]!.data).toBe('mine');
      await topo.proxy.reload('user');
      expect((await httpGet(`${topo.urls.nginxDirect}/__sse_chaos/nginx`)).body.trim()).toBe('user 2');
      s.close();
    } finally {
      await topo.stop();
    }
  });

  it('refuses profile user without a config, and HAProxy under the containers runtime', async () => {
    await expect(
      startTopology({ profile: 'user', proxy: 'haproxy', target: spec, runtime: 'local' }),
    ).rejects.toThrow(/unknown haproxy profile "user"/);
    expect(InfrastructureError).toBeDefined();
  });
});
