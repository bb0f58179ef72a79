/**
 * The real stack, end to end: real toxiproxy-server, real nginx, the reference server (stack A) and
 * the fixture server as a `command` target (stack B), side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toxiproxyApi } from '../../harness/faults/toxiproxy-api.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTopology, TopologyConfigError, type Topology } from '../../harness/topology/index.ts';
import { parseTarget, type TargetSpec } from '../../harness/topology/target.ts';
import { httpGet } from '../../harness/topology/readiness.ts';
import { openStream, publish, waitGroupsGone, type StreamProbe } from './helpers/stream-probe.ts';
import { fixtureTarget } from './helpers/fixture-target.ts';

const refSpec: TargetSpec = parseTarget({ kind: 'reference', options: { heartbeatMs: 1000, log: 'file' } });
const fixSpec = fixtureTarget(1000);
let a: Topology;
let b: Topology;
const open: StreamProbe[] = [];
const stream = (url: string, headers?: Record<string, string>): StreamProbe => {
  const s = openStream(url, headers);
  open.push(s);
  return s;
};

beforeAll(async () => {
  const started = await Promise.allSettled([
    startTopology({ profile: 'good', target: refSpec, runtime: 'local' }),
    startTopology({ profile: 'good', target: fixSpec, runtime: 'local' }),
  ]);
  const [sa, sb] = started;
  if (sa.status === 'fulfilled') a = sa.value;
  if (sb.status === 'fulfilled') b = sb.value;
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all([a?.stop(), b?.stop()]);
    throw (failed as PromiseRejectedResult).reason;
  }
});

afterAll(async () => {
  for (const s of open) s.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('local topology', () => {
  it('streams published events end to end through edge and edge-b', async () => {
    const s1 = stream(a.urls.stream);
    const s2 = stream(a.urls.streamB);
    for (const s of [s1, s2]) {
      const res = await s.response;
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    }
    const ids: string[] = [];
    for (const data of ['one', 'two\nlines', 'three']) ids.push(await publish(refSpec, a.urls.publish, data));
    for (const s of [s1, s2]) {
      const got = await s.waitForEvents(3);
      expect(got.map((e) => e.data)).toEqual(['one', 'two\nlines', 'three']);
      expect(got.map((e) => e.id)).toEqual(ids);
      s.close();
    }
    expect(a.versions).toMatchObject({
      nginx: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      toxiproxy: '2.12.0',
      runtime: 'local',
    });
  });

  it('runs two stacks side by side without sharing ports or events', async () => {
    const ports = (t: Topology): string[] =>
      [t.urls.stream, t.urls.streamB, t.urls.nginxDirect, t.urls.targetDirect, t.urls.toxiproxyApi].map(
        (u) => new URL(u).port,
      );
    const all = [...ports(a), ...ports(b)];
    expect(new Set(all).size).toBe(all.length);

    const sa = stream(a.urls.stream);
    const sb = stream(b.urls.stream);
    await Promise.all([sa.response, sb.response]);
    await publish(fixSpec, b.urls.publish, 'only-b');
    await publish(refSpec, a.urls.publish, 'only-a');
    expect((await sb.waitForEvents(1))[0]!.data).toBe('only-b');
    expect((await sa.waitForEvents(1))[0]!.data).toBe('only-a');
    await sleep(200);
    expect(sa.events.map((e) => e.data)).toEqual(['only-a']);
    expect(sb.events.map((e) => e.data)).toEqual(['only-b']);
    sa.close();
    sb.close();
  });

  it('a latency toxic on edge shows up in delivery time, edge-b is untouched', async () => {
    const latency = 400;
    const viaEdge = stream(a.urls.stream);
    const viaB = stream(a.urls.streamB);
    await Promise.all([viaEdge.response, viaB.response]);
    const api = toxiproxyApi(a.urls.toxiproxyApi);
    await api.addToxic('edge', {
      name: 'test-latency',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency, jitter: 0 },
    });
    try {
      const sent = performance.now();
      await publish(refSpec, a.urls.publish, 'slow?');
      const [e] = await viaEdge.waitForEvents(1);
      const [f] = await viaB.waitForEvents(1);
      // Toxiproxy holds each chunk `latency` ms from its arrival, which is after `sent`.
      expect(e!.at - sent).toBeGreaterThanOrEqual(latency - 5);
      expect(f!.at).toBeLessThan(e!.at);
    } finally {
      await api.removeToxic('edge', 'test-latency');
      viaEdge.close();
      viaB.close();
    }
  });

  it('disabling origin cuts open streams; new ones get 200 + only a retry hint (good), not 502', async () => {
    const before = stream(a.urls.stream);
    expect((await before.response).statusCode).toBe(200);
    await toxiproxyApi(a.urls.toxiproxyApi).setEnabled('origin', false);
    try {
      await expect(Promise.race([before.closed, sleep(5_000).then(() => 'still open')])).resolves.not.toBe(
        'still open',
      );
      // good's SSE error page: a browser EventSource would stop for good on nginx's 502 (bare-errors).
      const during = stream(a.urls.stream);
      const res = await during.response;
      expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'text/event-stream']);
      await during.closed;
      expect(during.events).toEqual([]);
    } finally {
      await toxiproxyApi(a.urls.toxiproxyApi).setEnabled('origin', true);
    }
    const after = stream(a.urls.stream);
    expect((await after.response).statusCode).toBe(200);
    after.close();
  });

  it('buffered-http10 holds events back while good does not; reload switches profiles', async () => {
    await a.proxy.reload('buffered-http10');
    try {
      await expectBufferedThenGood();
    } finally {
      if (a.proxy.profile !== 'good') await a.proxy.reload('good');
    }
    await expect(a.proxy.reload('no-such-profile')).rejects.toBeInstanceOf(TopologyConfigError);
    expect(a.proxy.profile).toBe('good');
    expect((await httpGet(`${a.urls.nginxDirect}/__sse_chaos/nginx`)).body.trim()).toMatch(/^good \d+$/);
  });

  async function expectBufferedThenGood(): Promise<void> {
    expect(a.proxy.profile).toBe('buffered-http10');
    expect(a.proxy.config).toContain('proxy_http_version 1.0;');

    const held = stream(a.urls.stream);
    await sleep(100); // Let the request reach the target before publishing.
    await publish(refSpec, a.urls.publish, 'small');
    await sleep(1_500);
    expect(held.gotHeaders).toBe(false); // Not even the status line.
    expect(held.events).toHaveLength(0);
    for (let i = 0; i < 6; i++) await publish(refSpec, a.urls.publish, `big-${i}-${'x'.repeat(1000)}`);
    const [first] = await held.waitForEvents(1);
    expect(first!.data).toBe('small');
    held.close();

    await a.proxy.reload('good');
    expect(a.proxy.profile).toBe('good');
    const live = stream(a.urls.stream);
    await live.response;
    const sent = performance.now();
    await publish(refSpec, a.urls.publish, 'small-good');
    const [e] = await live.waitForEvents(1, 1_500);
    expect(e!.data).toBe('small-good');
    expect(e!.at).toBeGreaterThan(sent);
    live.close();
  }

  it('short-read-timeout cuts idle streams between heartbeats; a stream on good stays open', async () => {
    const onGood = stream(a.urls.stream);
    expect((await onGood.response).statusCode).toBe(200);
    await a.proxy.reload('short-read-timeout', { heartbeatMs: 1000 });
    try {
      expect(a.proxy.config).toMatch(/proxy_read_timeout 600ms;/);
      const cut = stream(a.urls.stream);
      expect((await cut.response).statusCode).toBe(200); // Cut after headers: no 504, the stream just ends.
      await expect(
        Promise.race([cut.closed.then(() => 'cut'), sleep(5_000).then(() => 'open')]),
      ).resolves.toBe('cut');
      // The stream opened before the reload keeps the good config (old worker) and its heartbeats.
      let goodClosed = false;
      void onGood.closed.then(() => (goodClosed = true));
      await sleep(0);
      expect(goodClosed).toBe(false);
    } finally {
      onGood.close();
      await a.proxy.reload('good');
    }
  });

  it('restarts the target on the same port with the same event log', async () => {
    const first = await publish(refSpec, a.urls.publish, 'before-restart-1');
    await publish(refSpec, a.urls.publish, 'before-restart-2');
    a.target.kill('SIGKILL');
    expect(await a.target.waitExit(10_000)).toMatchObject({ signal: 'SIGKILL' });
    expect(a.target.running).toBe(false);
    await a.target.restart();
    expect(a.target.running).toBe(true);
    expect((await httpGet(`${a.urls.targetDirect}/readyz`)).status).toBe(200);

    // Replay after the first id proves the log survived; streaming through both proxies proves the port is the same.
    const resumed = stream(a.urls.stream, { 'last-event-id': first });
    const [e] = await resumed.waitForEvents(1);
    expect(e!.data).toBe('before-restart-2');
    resumed.close();
    expect(a.target.logs()).toContain('listening');
  });

  it('stop() leaves no process behind', async () => {
    const groups = [...a.processes(), ...b.processes()].map((p) => p.pid);
    expect(groups).toHaveLength(6);
    const logs = await b.logs();
    expect(logs.toxiproxy).toContain('Starting Toxiproxy');
    await Promise.all([a.stop(), b.stop()]);
    expect(await waitGroupsGone(groups, 5_000)).toEqual([]);
    await a.stop(); // Idempotent.
  });
});
