/**
 * Several instances behind one nginx on a shared Redis log, started for real: redis-server behind its
 * own leg, one origin leg per instance, the upstream header naming who served each stream, publishes
 * to every instance, one instance stopped and started on its own, and nothing left running after.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTopology, type Topology } from '../../harness/topology/index.ts';
import { buildPublishRequest, extractAckId, parseTarget } from '../../harness/topology/target.ts';
import { groupAlive, openStream, waitGroupsGone } from './helpers/stream-probe.ts';

const target = parseTarget({
  kind: 'reference',
  options: {
    heartbeatMs: 1000,
    retryMs: 1000,
    graceMs: 1500,
    log: 'redis',
    instances: 2,
    redisPersistence: 'aof-always',
  },
});
let topology: Topology | undefined;
afterEach(async () => {
  await topology?.stop();
  topology = undefined;
});

async function publishTo(url: string, data: string): Promise<string> {
  const req = buildPublishRequest(target, url, { topic: 't', data });
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  expect(res.status).toBe(200);
  return extractAckId(target, await res.json());
}

/** Which upstream served a new stream, and the stream. */
async function streamVia(t: Topology, lastEventId?: string) {
  const s = openStream(t.urls.stream, lastEventId ? { 'last-event-id': lastEventId } : {});
  const res = await s.response;
  return { s, upstream: String(res.headers['x-sse-chaos-upstream'] ?? '') };
}

describe('a stack of several instances on a Redis log', () => {
  it('balances streams over every instance, names the one that served each, and shares one log', async () => {
    topology = await startTopology({ profile: 'good', target, runtime: 'local' });
    const t = topology;
    const instances = t.target.instances!;
    expect(instances.map((i) => [i.name, i.leg])).toEqual([
      ['instance-1', 'origin-1'],
      ['instance-2', 'origin-2'],
    ]);
    expect(t.redis?.persistence).toBe('aof-always');
    expect(t.versions.redis).toMatch(/^redis-server \d+\.\d+\.\d+$/);
    expect(t.processes().map((p) => p.component)).toEqual([
      'toxiproxy',
      'nginx',
      'instance-1',
      'instance-2',
      'redis',
    ]);
    expect(t.urls.publishAll).toHaveLength(2);

    // Round robin, no stickiness: two new streams land on the two instances.
    const a = await streamVia(t);
    const b = await streamVia(t);
    expect(new Set([a.upstream, b.upstream])).toEqual(new Set(instances.map((i) => i.upstream)));

    // An event published to either instance reaches streams on both: one shared log.
    const id1 = await publishTo(t.urls.publishAll![0]!, 'via instance-1');
    const id2 = await publishTo(t.urls.publishAll![1]!, 'via instance-2');
    for (const s of [a.s, b.s]) expect((await s.waitForEvents(2)).map((e) => e.id)).toEqual([id1, id2]);
    a.s.close();
    b.s.close();

    const groups = t.processes().map((p) => p.pid);
    await t.stop();
    topology = undefined;
    // redis-server included: every process group of the stack is gone.
    expect(await waitGroupsGone(groups, 10_000)).toEqual([]);
  });

  it('stops and starts one instance on its own: its streams end, new ones go to the other, nothing is lost', async () => {
    topology = await startTopology({ profile: 'good', target, runtime: 'local' });
    const t = topology;
    const [one, two] = t.target.instances!;
    const onOne = [await streamVia(t), await streamVia(t)].find((x) => x.upstream === one!.upstream)!;
    const seen = await publishTo(t.urls.publishAll![1]!, 'before');
    await onOne.s.waitForEvents(1);

    const pid = one!.pid()!;
    one!.kill('SIGKILL');
    expect(await one!.waitExit(5000)).toMatchObject({ signal: 'SIGKILL' });
    expect(groupAlive(pid)).toBe(false);
    expect(await onOne.s.closed).toBeDefined();
    expect(two!.running).toBe(true);

    // While it is down: publishes through the other instance, new streams only there (nginx moves on).
    const missed = await publishTo(t.urls.publishAll![1]!, 'while instance-1 is down');
    const back = await streamVia(t, seen);
    expect(back.upstream.split(', ').at(-1)).toBe(two!.upstream);
    expect((await back.s.waitForEvents(1)).map((e) => e.id)).toEqual([missed]);
    back.s.close();

    await one!.restart();
    expect(one!.running).toBe(true);
    const again = [await streamVia(t, missed), await streamVia(t, missed)];
    expect(again.map((x) => x.upstream.split(', ').at(-1)).sort()).toEqual(
      [one!.upstream, two!.upstream].sort(),
    );
    for (const x of again) x.s.close();
  });

  it('restarts Redis on its persisted log: publishes fail while it is down and the log goes on after', async () => {
    topology = await startTopology({ profile: 'good', target, runtime: 'local' });
    const t = topology;
    const first = await publishTo(t.urls.publishAll![0]!, 'before');
    const s = await streamVia(t, first);
    await t.redis!.stop('SIGTERM');
    expect(t.redis!.running).toBe(false);
    const refused = await fetch(t.urls.publishAll![0]!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 't', data: 'while Redis is down' }),
    });
    expect(refused.status).toBe(503);
    await t.redis!.start();
    // The instances reconnect within their backoff; the next publish lands on the same log.
    let after: string | undefined;
    for (let i = 0; i < 40 && !after; i++) {
      const res = await fetch(t.urls.publishAll![1]!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 't', data: 'after' }),
      });
      if (res.status === 200) after = ((await res.json()) as { id: string }).id;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(after!.split('-')[0]).toBe(first.split('-')[0]); // same epoch: the log survived
    expect((await s.s.waitForEvents(1)).map((e) => e.id)).toEqual([after]);
    s.s.close();
  });
});
