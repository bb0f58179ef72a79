/**
 * Real Chromium EventSources against the project's reference server (server/app.ts, in process),
 * behind a TCP relay that can cut every connection, next to modelled subscribers on the same path:
 * topics, workload payloads, heartbeats and retry, replay by the Last-Event-ID the browser actually
 * sent, and the explicit reset for an unknown id.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChromiumGroup } from '../../../harness/client/chromium/index.ts';
import { createRunClock } from '../../../harness/history/clock.ts';
import { encodePayload } from '../../../harness/history/payload.ts';
import type { RecordOf } from '../../../harness/history/records.ts';
import { History } from '../../../harness/history/store.ts';
import { createSseServer, type SseServer } from '../../../server/app.ts';
import { createMemoryLogger } from '../../../server/logger.ts';
import {
  recordsOf,
  RUN_BROWSER_TESTS,
  startModel,
  startRelay,
  useBrowser,
  waitFor,
  type Relay,
} from './fixtures.ts';

const clock = createRunClock();
const browser = useBrowser();
let server: SseServer;
let relay: Relay;
let seq = 0;

beforeAll(async () => {
  if (!RUN_BROWSER_TESTS) return;
  server = createSseServer({
    port: 0,
    heartbeatMs: 100,
    retryMs: 300,
    retryJitterMs: 0,
    logger: createMemoryLogger(),
  });
  const base = await server.listen();
  relay = await startRelay(Number(new URL(base).port));
});
afterAll(async () => {
  await relay?.close();
  await server?.close();
});

async function publish(topic: string): Promise<string> {
  seq++;
  const res = await request(`${server.url}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, data: encodePayload({ seq, publishedAt: clock.now(), topic }, 96) }),
  });
  expect(res.statusCode).toBe(200);
  return ((await res.body.json()) as { id: string }).id;
}

const eventsOf = (h: History, sub: number): RecordOf<'event'>[] =>
  recordsOf(h, sub).filter((r): r is RecordOf<'event'> => r.kind === 'event');
const connectsOf = (h: History, sub: number): RecordOf<'connect'>[] =>
  recordsOf(h, sub).filter((r): r is RecordOf<'connect'> => r.kind === 'connect');

describe.skipIf(!RUN_BROWSER_TESTS)('Chromium against the reference server', () => {
  it('receives a topic with ids and payload fields, and after a cut resumes by the Last-Event-ID it sent: nothing lost, nothing twice', async () => {
    const history = new History();
    const group = await openChromiumGroup({
      browser: browser(),
      url: `${relay.base}/events`,
      count: 2,
      firstSub: 1,
      topics: ['a'],
      history,
      clock,
    });
    const models = [11, 12].map((sub) =>
      startModel({ sub, url: `${relay.base}/events`, topics: ['a'], history, clock }),
    );
    const subs = [1, 2, 11, 12];
    const everyone = (n: number) => subs.every((s) => eventsOf(history, s).length >= n);
    let ids: string[] = [];
    try {
      await waitFor('all open', () => group.subs.every((s) => group.state(s) === 'open'));
      await waitFor('models open', () => models.every((m) => m.state === 'open'));
      const a1 = await publish('a');
      await publish('b');
      const a2 = await publish('a');
      await waitFor('two events each', () => everyone(2));
      relay.cutAll();
      // Published while everyone is away: replayed from the Last-Event-ID.
      const a3 = await publish('a');
      const a4 = await publish('a');
      await waitFor('four events each', () => everyone(4));
      await waitFor('heartbeats on the second stream', () =>
        subs.every((s) => recordsOf(history, s).filter((r) => r.kind === 'heartbeat').length >= 2),
      );
      ids = [a1, a2, a3, a4];
    } finally {
      await group.stop();
      await Promise.all(models.map((m) => m.stop()));
    }
    expect(group.timeBase).toBe('cdp');
    for (const sub of subs) {
      const events = eventsOf(history, sub);
      expect(
        events.map((e) => e.id),
        `sub ${sub}`,
      ).toEqual(ids);
      expect(events.every((e) => e.topic === 'a' && e.seq !== undefined && e.bytes === 96)).toBe(true);
      const connects = connectsOf(history, sub);
      expect(connects.map((c) => c.attempt)).toEqual([1, 2]);
      // The first stream starts at the server's resume point (an id-only block), the second at a2.
      expect(connects[0]!.lastEventId).toBe('');
      expect(connects[1]!.lastEventId, `sub ${sub}`).toBe(ids[1]);
      const retry = recordsOf(history, sub).find((r) => r.kind === 'retry');
      expect(retry).toMatchObject({ ms: 300 });
      const wait = recordsOf(history, sub).find(
        (r) => r.kind === 'reconnect-wait',
      ) as RecordOf<'reconnect-wait'>;
      // The server's retry, not the 3000 ms default. (Chromium's wait is measured between two of its
      // own timestamps taken in different processes: a few ms either way.)
      expect(wait.delayMs).toBeGreaterThanOrEqual(290);
      expect(wait.delayMs).toBeLessThan(3000);
    }
    // Times are the browser's: an event is never recorded before its publisher stamped it.
    for (const e of [...eventsOf(history, 1), ...eventsOf(history, 2)])
      expect(e.t).toBeGreaterThanOrEqual(e.publishedAt!);
  });

  it('an unknown id in ?lastEventId= gets the explicit reset, recorded as a reset', async () => {
    const history = new History();
    const group = await openChromiumGroup({
      browser: browser(),
      url: `${relay.base}/events?lastEventId=no-such-id`,
      count: 1,
      history,
      clock,
    });
    try {
      await waitFor('a reset', () => history.count('reset') === 1);
    } finally {
      await group.stop();
    }
    const reset = [...history.ofKind('reset')][0]!;
    expect(reset.sub).toBe(0);
    expect(reset.data).not.toBe('');
    // The reset comes first; whatever the server then replays follows it.
    const kinds = recordsOf(history, 0).map((r) => r.kind);
    expect(kinds.indexOf('reset')).toBeLessThan(kinds.includes('event') ? kinds.indexOf('event') : Infinity);
  });
});
