/**
 * The subscriber against the project's reference server (server/app.ts, in process): topics,
 * workload payload decoding, heartbeats, retry, replay by Last-Event-ID, the explicit reset, and a
 * graceful shutdown's retry hint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createStreamAgent } from '../../harness/client/fleet.ts';
import {
  createSubscriber,
  type Subscriber,
  type SubscriberOptions,
} from '../../harness/client/subscriber.ts';
import { createRunClock, type RunClock } from '../../harness/history/clock.ts';
import { encodePayload } from '../../harness/history/payload.ts';
import { History } from '../../harness/history/store.ts';
import { createSseServer, type SseServer } from '../../server/app.ts';
import { createMemoryLogger } from '../../server/logger.ts';
import { waitFor } from './wait.ts';

let server: SseServer;
let base: string;
const agent = createStreamAgent();
const clock: RunClock = createRunClock();
let seq = 0;

beforeAll(async () => {
  server = createSseServer({
    port: 0,
    heartbeatMs: 50,
    retryMs: 80,
    retryJitterMs: 0,
    logger: createMemoryLogger(),
  });
  base = await server.listen();
});
afterAll(async () => {
  await server.close();
  await agent.destroy();
});

async function publish(topic: string): Promise<string> {
  seq++;
  const res = await request(`${base}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, data: encodePayload({ seq, publishedAt: clock.now(), topic }, 64) }),
  });
  const body = (await res.body.json()) as { id: string };
  expect(res.statusCode).toBe(200);
  return body.id;
}

function sub(h: History, o: Partial<SubscriberOptions>): Subscriber {
  const s = createSubscriber({
    sub: 1,
    url: `${base}/events`,
    profile: 'browser',
    topics: ['a'],
    history: h,
    clock,
    dispatcher: agent,
    heartbeatMs: 50,
    stallMultiple: 20,
    ...o,
  });
  s.start();
  return s;
}

describe('against the reference server', () => {
  it('streams a topic, decodes payloads, records heartbeats and retry, and resumes by Last-Event-ID', async () => {
    const h = new History();
    const s = sub(h, {});
    try {
      await waitFor('open', () => s.state === 'open');
      expect([...h.ofKind('response')][0]).toMatchObject({ status: 200 });
      const ids = [await publish('a'), await publish('b'), await publish('a')];
      await waitFor('2 events on topic a', () => h.count('event') === 2);
      const got = [...h.ofKind('event')];
      expect(got.map((e) => e.id)).toEqual([ids[0], ids[2]]);
      expect(got.map((e) => e.topic)).toEqual(['a', 'a']);
      expect(got.every((e) => e.seq !== undefined && e.publishedAt !== undefined)).toBe(true);
      await waitFor('a heartbeat', () => h.count('heartbeat') > 0);
      expect([...h.ofKind('retry')][0]).toMatchObject({ ms: 80, appliedMs: 80 });
    } finally {
      await s.stop();
    }
    // Missed while away, then replayed to a subscriber resuming from the last id it saw.
    const last = s.lastEventId;
    const missed = [await publish('a'), await publish('a')];
    const h2 = new History();
    const s2 = sub(h2, { lastEventId: last });
    try {
      await waitFor('replayed events', () => h2.count('event') >= 2);
      expect([...h2.ofKind('connect')][0].lastEventId).toBe(last);
      expect([...h2.ofKind('event')].map((e) => e.id)).toEqual(missed);
    } finally {
      await s2.stop();
    }
  });

  it('an unknown Last-Event-ID gets an explicit reset record, never a silent gap', async () => {
    const h = new History();
    const s = sub(h, { lastEventId: 'no-such-id' });
    try {
      await waitFor('a reset', () => h.count('reset') === 1);
      expect([...h.ofKind('reset')][0].data).not.toBe('');
    } finally {
      await s.stop();
    }
  });
});
