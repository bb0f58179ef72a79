/**
 * The Redis log (--log redis) against a real redis-server: several server instances on one stream,
 * replay strictly after the Last-Event-ID wherever it was issued, explicit resets past retention,
 * and what publishers and streams see while Redis is stopped or frozen and after it is back.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/topology/ports.ts';
import { formatId } from '../../server/ids.ts';
import { createHarness, metricValue, publish, publishOk, type TestStream } from './helpers.ts';
import { useRedis, type RedisServer } from './redis-helpers.ts';

const h = createHarness();
const redis = useRedis();
afterEach(() => h.cleanup());

/** An in-process reference server on the Redis log. */
function startOn(r: Pick<RedisServer, 'url'>, extra: Parameters<typeof h.start>[0] = {}) {
  return h.start({ log: 'redis', redisUrl: r.url, redisKey: 'test:events', ...extra });
}

/** The ids a stream got, without resets, up to (not including) the marker event. */
async function untilMarker(url: string, s: TestStream): Promise<string[]> {
  const marker = await publishOk(url, { topic: 'marker', data: 'marker' });
  await s.waitFor((x) => x.events.some((e) => e.id === marker), 10_000, `the marker ${marker}`);
  const events = s.events.filter((e) => e.event !== 'reset');
  return events
    .slice(
      0,
      events.findIndex((e) => e.id === marker),
    )
    .map((e) => e.id!);
}

/** The id-only block a fresh stream starts with (after its retry hint). */
async function startId(s: TestStream): Promise<string> {
  const head = /^retry: \d+\n\nid: ([^\n]+)\n\n/;
  await s.waitFor((x) => head.test(x.raw), 5000, 'retry + id-only block');
  return head.exec(s.raw)![1]!;
}

async function waitUntil(what: string, predicate: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readiness = async (url: string) => (await (await fetch(`${url}/readyz`)).json()) as { status: string };

describe('Redis log: several instances on one stream', () => {
  it('delivers a publish on one instance to live streams on every instance, in one order', async () => {
    const r = await redis.start();
    const a = await startOn(r);
    const b = await startOn(r);
    const onA = await h.stream(a.url);
    const onB = await h.stream(b.url);
    await Promise.all([onA, onB].map(startId));
    const acked: string[] = [];
    for (let i = 0; i < 10; i += 1) acked.push(await publishOk(i % 2 ? b.url : a.url, { data: `e${i}` }));
    // One sequence across instances: ids ascend in publish order, whichever instance took them.
    expect([...acked].sort()).toEqual(acked);
    expect(new Set(acked.map((id) => id.split('-')[0])).size).toBe(1);
    for (const s of [onA, onB]) {
      await s.waitFor((x) => x.events.length === 10, 10_000, 'ten events');
      expect(s.events.map((e) => e.id)).toEqual(acked);
      expect(s.events.map((e) => e.data)).toEqual(acked.map((_, i) => `e${i}`));
    }
    expect(a.server.eventLog.epoch).toBe(b.server.eventLog.epoch);
  });

  it('resumes a client failing over to another instance strictly after its Last-Event-ID', async () => {
    const r = await redis.start();
    const a = await startOn(r);
    const b = await startOn(r);
    const acked: string[] = [];
    for (let i = 0; i < 6; i += 1) acked.push(await publishOk(i < 3 ? a.url : b.url, { data: `e${i}` }));
    // A fresh stream on A announces the head (published on B) as its resume point.
    expect(await startId(await h.stream(a.url))).toBe(acked.at(-1));
    // The id came from A; the client reconnects to B, which never published it.
    const s = await h.stream(b.url, '/events', { 'Last-Event-ID': acked[1]! });
    expect(await untilMarker(b.url, s)).toEqual(acked.slice(2));
    expect(s.events.some((e) => e.event === 'reset')).toBe(false);
  });

  it('joins replay and live without a loss or a duplicate while two instances publish without pause', async () => {
    const r = await redis.start();
    const a = await startOn(r);
    const b = await startOn(r);
    let running = true;
    const acked: string[] = [];
    const publisher = async (url: string) => {
      while (running) acked.push(await publishOk(url, { data: 'e' }));
    };
    const publishers = [publisher(a.url), publisher(b.url)];
    try {
      while (acked.length < 20) await new Promise((res) => setTimeout(res, 1));
      const from = acked.at(-1)!;
      const s = await h.stream(b.url, '/events', { 'Last-Event-ID': from });
      await s.waitFor((x) => x.events.length >= 60, 20_000, 'sixty events');
      running = false;
      await Promise.all(publishers);
      const received = await untilMarker(a.url, s);
      expect(received).toEqual(acked.filter((id) => id > from).sort());
    } finally {
      running = false;
      await Promise.all(publishers);
    }
  });
});

describe('Redis log: retention and resets', () => {
  it('trims to --log-retention and answers malformed, unknown and expired ids with an explicit reset', async () => {
    const r = await redis.start();
    const { url, server } = await startOn(r, { logRetention: 5 });
    const ids: string[] = [];
    for (let i = 1; i <= 12; i += 1) ids.push(await publishOk(url, { data: `e${i}` }));
    const window = ids.slice(7);
    const expectReset = async (lastId: string, reason: string) => {
      const s = await h.stream(url, '/events', { 'Last-Event-ID': lastId });
      await s.waitFor((x) => x.events.length === window.length + 1, 5000, `reset ${reason} and the window`);
      const [reset, ...rest] = s.events;
      expect(reset!.event).toBe('reset');
      expect(JSON.parse(reset!.data)).toEqual({ reason, earliestId: window[0], requested: lastId });
      expect(rest.map((e) => e.id)).toEqual(window);
      s.close();
    };
    await expectReset('not-an-id', 'malformed');
    await expectReset(formatId('0000000000001', 3), 'unknown');
    await expectReset(formatId(server.eventLog.epoch, 13), 'unknown');
    await expectReset(ids[2]!, 'expired');
    // The id just before the window is not expired: nothing after it is missing.
    const edge = await h.stream(url, '/events', { 'Last-Event-ID': ids[6]! });
    expect(await untilMarker(url, edge)).toEqual(window);
    expect(await metricValue(url, 'sse_resets_total', '{reason="expired"}')).toBe(1);
  });

  it('starts a stream on an empty log at the sentinel, which later replays the first event', async () => {
    const r = await redis.start();
    const { url, server } = await startOn(r);
    const sentinel = `${server.eventLog.epoch}-000000000000`;
    expect(await startId(await h.stream(url))).toBe(sentinel);
    const first = await publishOk(url, { data: 'first' });
    const resumed = await h.stream(url, '/events', { 'Last-Event-ID': sentinel });
    expect(await untilMarker(url, resumed)).toEqual([first]);
  });
});

describe('Redis log: instance restarts', () => {
  it('keeps the epoch and the sequence when an instance restarts, so old ids resume', async () => {
    const r = await redis.start();
    const first = await startOn(r);
    const before: string[] = [];
    for (let i = 0; i < 3; i += 1) before.push(await publishOk(first.url, { data: `b${i}` }));
    await first.server.close();
    const again = await startOn(r);
    expect(again.server.eventLog.epoch).toBe(before[0]!.split('-')[0]);
    const next = await publishOk(again.url, { data: 'after' });
    expect(next).toBe(formatId(again.server.eventLog.epoch, 4));
    const s = await h.stream(again.url, '/events', { 'Last-Event-ID': before[0]! });
    expect(await untilMarker(again.url, s)).toEqual([...before.slice(1), next]);
  });
});

describe('Redis log: Redis down, frozen, back', () => {
  it('refuses publishes with 503 while Redis is stopped, keeps streams alive, and loses nothing acknowledged', async () => {
    const r = await redis.start();
    const { url, logger } = await startOn(r, { heartbeatMs: 100, redisTimeoutMs: 500 });
    const live = await h.stream(url);
    await startId(live);
    const acked = [await publishOk(url, { data: 'before' })];
    await live.waitFor((x) => x.events.length === 1, 5000, 'the first event');

    await r.stop();
    const refused = await publish(url, { data: 'during' });
    expect(refused.status).toBe(503);
    expect(refused.json.error).toMatch(/^event not (stored|acknowledged): .*Redis/);
    await waitUntil(
      'readiness to report the log',
      async () => (await readiness(url)).status === 'log-failed',
    );
    const heartbeats = () => live.items.filter((i) => i.kind === 'comment').length;
    const beatsBefore = heartbeats();
    await live.waitFor(() => heartbeats() >= beatsBefore + 3, 5000, 'heartbeats while Redis is down');
    expect(live.isEnded).toBe(false);
    const newStream = await h.stream(url);
    expect(newStream.status).toBe(503);
    expect(await metricValue(url, 'sse_streams_refused_total', '{reason="log-unavailable"}')).toBe(1);

    await r.start();
    await waitUntil('readiness after Redis is back', async () => (await readiness(url)).status === 'ready');
    await waitUntil('a publish to succeed again', async () => {
      const p = await publish(url, { data: 'after' });
      if (p.status === 200) acked.push(p.json.id!);
      return p.status === 200;
    });
    // The stream that stayed open gets the new event, after exactly what was acknowledged before.
    await live.waitFor((x) => x.events.length === 2, 10_000, 'the event published after Redis came back');
    expect(live.events.map((e) => e.id)).toEqual(acked);
    const replay = await h.stream(url, '/events', { 'Last-Event-ID': 'replay-all' });
    expect(await untilMarker(url, replay)).toEqual(acked);
    expect(logger.records.some((l) => l.msg === 'redis log: connection back')).toBe(true);
  });

  it('answers publishes within the timeout while Redis is frozen (a partition) and recovers when it thaws', async () => {
    const r = await redis.start();
    const { url } = await startOn(r, { redisTimeoutMs: 300 });
    const acked = [await publishOk(url, { data: 'before' })];
    r.freeze();
    const started = performance.now();
    const refused = await publish(url, { data: 'during' });
    expect(refused.status).toBe(503);
    expect(refused.json.error).toMatch(/not acknowledged: .*did not confirm the append|not stored/);
    // Bounded by the timeout, not by the partition (generous: the machine may be busy).
    expect(performance.now() - started).toBeLessThan(10_000);
    await waitUntil(
      'readiness to report the partition',
      async () => (await readiness(url)).status === 'log-failed',
    );
    r.thaw();
    await waitUntil('a publish to succeed after the thaw', async () => {
      const p = await publish(url, { data: 'after' });
      if (p.status === 200) acked.push(p.json.id!);
      return p.status === 200;
    });
    await waitUntil('readiness after the thaw', async () => (await readiness(url)).status === 'ready');
    // Every acknowledged event is there, in order; the unacknowledged one may or may not be.
    const replay = await h.stream(url, '/events', { 'Last-Event-ID': 'replay-all' });
    const got = await untilMarker(url, replay);
    expect(got.filter((id) => acked.includes(id))).toEqual(acked);
    expect(got.length - acked.length).toBeLessThanOrEqual(1);
  });

  it('ends streams from before Redis lost its data, and resets clients that come back with old ids', async () => {
    const r = await redis.start({ persist: false });
    const { url, server } = await startOn(r, { heartbeatMs: 100 });
    const old = await publishOk(url, { data: 'old' });
    const oldEpoch = server.eventLog.epoch;
    const live = await h.stream(url, '/events', { 'Last-Event-ID': old });
    await live.waitFor((x) => x.items.length >= 1, 5000, 'the retry hint');
    await r.stop();
    await r.start(); // empty: the log is gone
    await waitUntil(
      'a publish on the new log',
      async () => (await publish(url, { data: 'new' })).status === 200,
    );
    await live.ended; // ended by the server, not left silent on a log that no longer exists
    expect(server.eventLog.epoch).not.toBe(oldEpoch);
    const back = await h.stream(url, '/events', { 'Last-Event-ID': old });
    await back.waitFor((x) => x.events.length >= 2, 5000, 'the reset and the new log');
    expect(back.events[0]!.event).toBe('reset');
    expect(JSON.parse(back.events[0]!.data)).toMatchObject({ reason: 'unknown', requested: old });
    expect(back.events[1]!.data).toBe('new');
  });
});

describe('Redis log: refusing to start', () => {
  it('names the URL (without its password) and the reason when Redis cannot be reached', async () => {
    const port = await freePort();
    await expect(startOn({ url: `redis://app:s3cret@127.0.0.1:${port}` })).rejects.toThrow(
      new RegExp(
        `^cannot open the Redis log at redis://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/? \\(stream test:events\\): .*ECONNREFUSED`,
      ),
    );
  });

  it('refuses a key holding a stream this server did not write', async () => {
    const r = await redis.start();
    const other = new Redis(r.url);
    try {
      await other.xadd('test:events', '*', 'something', 'else');
    } finally {
      other.disconnect();
    }
    await expect(startOn(r)).rejects.toThrow(
      /stream test:events exists without its meta hash test:events:meta/,
    );
  });
});
