/**
 * The subscriber against a real misbehaving server on 127.0.0.1: each browser response rule, each
 * client profile, Last-Event-ID resume, retry clamping, redirects, cuts and the idle watchdog; over
 * both transports a connection can take (the socket path and an undici dispatcher).
 */
import type { Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunClock } from '../../harness/history/clock.ts';
import type { HistoryRecord, RecordOf } from '../../harness/history/records.ts';
import { History } from '../../harness/history/store.ts';
import { createStreamAgent } from '../../harness/client/fleet.ts';
import { seededRandom } from '../../harness/client/random.ts';
import { backoffCeiling, MAX_TIMER_MS } from '../../harness/client/reconnect-policy.ts';
import {
  createSubscriber,
  type Subscriber,
  type SubscriberOptions,
} from '../../harness/client/subscriber.ts';
import { startFixtureServer, type FixtureServer } from './fixtures/sse-fixture-server.ts';
import { waitFor } from './wait.ts';

let server: FixtureServer;
const agent = createStreamAgent();
/** The transport under test: none (the socket path `http:` streams take by default) or undici. */
let dispatcher: Dispatcher | undefined;
const live: Subscriber[] = [];

beforeAll(async () => {
  server = await startFixtureServer();
});
afterEach(async () => {
  await Promise.all(live.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await agent.destroy();
  await server.close();
});

function run(path: string, opts: Partial<SubscriberOptions> = {}): { h: History; s: Subscriber } {
  const h = new History();
  const s = createSubscriber({
    sub: 7,
    url: server.url + path,
    profile: 'browser',
    history: h,
    clock: createRunClock(),
    ...(dispatcher ? { dispatcher } : {}),
    ...opts,
  });
  live.push(s);
  s.start();
  return { h, s };
}

const all = <K extends HistoryRecord['kind']>(h: History, k: K): RecordOf<K>[] => [...h.ofKind(k)];
const kinds = (h: History): string[] => [...h.records()].map((r) => r.kind);

describe.each([
  { transport: 'the socket path (the default for http:)', use: undefined },
  { transport: 'an undici dispatcher', use: agent },
])('over $transport', ({ use }) => {
  beforeAll(() => {
    dispatcher = use;
  });

  describe('response rules', () => {
    it('200 text/event-stream streams events with the request headers a browser sends', async () => {
      const { h } = run('/sse?count=3&interval=5', { lastEventId: 'x' });
      await waitFor('3 events', () => h.count('event') === 3);
      const req = server.requests.at(-1)!;
      expect(req.headers.accept).toBe('text/event-stream');
      expect(req.headers['cache-control']).toBe('no-cache');
      expect(req.headers['last-event-id']).toBe('x');
      expect(req.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(kinds(h).slice(0, 4)).toEqual(['subscriber', 'connect', 'response', 'first-byte']);
      const events = all(h, 'event');
      expect(events.map((e) => [e.id, e.seq, e.topic])).toEqual([
        ['1', 1, 'a'],
        ['2', 2, 'a'],
        ['3', 3, 'a'],
      ]);
      expect(events.every((e) => typeof e.publishedAt === 'number' && e.bytes > 0)).toBe(true);
      const resp = all(h, 'response')[0];
      expect(resp.status).toBe(200);
      expect(resp.contentType).toMatch(/^text\/event-stream/);
    });

    it('a gzip-compressed stream is decoded as a browser decodes it, and its encoding recorded', async () => {
      const { h } = run('/gzip');
      await waitFor('3 events', () => h.count('event') === 3);
      expect(all(h, 'event').map((e) => [e.id, e.seq])).toEqual([
        ['1', 1],
        ['2', 2],
        ['3', 3],
      ]);
      expect(all(h, 'response')[0]!.encoding).toBe('gzip');
      expect(server.requests.at(-1)!.headers['accept-encoding']).toBe('gzip, deflate, br');
    });

    it('a non-ASCII last event id is sent as its UTF-8 bytes', async () => {
      const before = server.requests.length;
      const { h } = run('/sse?count=1&interval=5&from=utf8', { lastEventId: 'é…😀' });
      await waitFor('the request', () =>
        server.requests.slice(before).some((r) => r.path.includes('from=utf8')),
      );
      const req = server.requests.slice(before).find((r) => r.path.includes('from=utf8'))!;
      // Node's HTTP parser hands header bytes over as latin1 characters.
      expect(Buffer.from(String(req.headers['last-event-id']), 'latin1').toString('utf8')).toBe('é…😀');
      expect(all(h, 'connect')[0].lastEventId).toBe('é…😀');
    });

    for (const profile of ['browser', 'backoff'] as const) {
      it(`204 stops the ${profile} profile for good`, async () => {
        const { h, s } = run('/status?code=204', { profile });
        await s.done;
        expect(s.state).toBe('gave-up');
        expect(all(h, 'connect')).toHaveLength(1);
        expect(all(h, 'close')[0]).toMatchObject({ reason: 'http-status', status: 204 });
        expect(all(h, 'give-up')[0].reason).toMatch(/204/);
      });
    }

    it('500 stops the browser profile', async () => {
      const { h, s } = run('/status?code=500');
      await s.done;
      expect(all(h, 'close')[0]).toMatchObject({ reason: 'http-status', status: 500 });
      expect(all(h, 'give-up')).toHaveLength(1);
      expect(h.count('reconnect-wait')).toBe(0);
    });

    it('a wrong content type stops the browser profile', async () => {
      const { h, s } = run('/wrong-type');
      await s.done;
      expect(all(h, 'close')[0]).toMatchObject({ reason: 'content-type' });
      expect(h.count('event')).toBe(0); // the body looked like SSE but must not be parsed
      expect(all(h, 'give-up')).toHaveLength(1);
    });

    it('500 and wrong content types keep the backoff profile retrying within its bounds', async () => {
      const backoff = { baseMs: 10, capMs: 40, resetAfterMs: 10_000 };
      const { h } = run('/status?code=503', { profile: 'backoff', backoff, random: seededRandom(1) });
      await waitFor('6 reconnect waits', () => h.count('reconnect-wait') >= 6);
      const waits = all(h, 'reconnect-wait');
      waits.forEach((w, n) => {
        expect(w.profile).toBe('backoff');
        expect(w.delayMs).toBeGreaterThanOrEqual(0);
        expect(w.delayMs).toBeLessThan(backoffCeiling(n, backoff));
      });
      expect(h.count('give-up')).toBe(0);
    });

    it('the same seed gives the same backoff delays', async () => {
      const backoff = { baseMs: 10, capMs: 40, resetAfterMs: 10_000 };
      const a = run('/status?code=500', { profile: 'backoff', backoff, random: seededRandom(42) }).h;
      const b = run('/status?code=500', { profile: 'backoff', backoff, random: seededRandom(42) }).h;
      await waitFor('5 waits each', () => a.count('reconnect-wait') >= 5 && b.count('reconnect-wait') >= 5);
      const d = (h: History): number[] =>
        all(h, 'reconnect-wait')
          .slice(0, 5)
          .map((w) => w.delayMs);
      expect(d(a)).toEqual(d(b));
    });

    it('redirects are followed; the browser reconnects to the redirect target (as EventSource does), backoff to the original URL', async () => {
      const before = server.requests.length;
      const target = '/sse?count=2&interval=5&end=1';
      const redirect = '/redirect?to=%2Fsse%3Fcount%3D2%26interval%3D5%26end%3D1';
      // Requests of earlier tests' aborted connections may still arrive: look at this test's paths only.
      const paths = (from: number): string[] =>
        server.requests
          .slice(from)
          .map((r) => r.path)
          .filter((p) => p.startsWith('/redirect?to=') || p.startsWith('/sse?count=2&'));
      const { h, s } = run(redirect, { defaultRetryMs: 20 });
      await waitFor('3 requests', () => paths(before).length >= 3);
      await s.stop();
      expect(paths(before).slice(0, 3)).toEqual([redirect, target, target]);
      expect(all(h, 'response')[0].status).toBe(200);
      expect(
        all(h, 'event')
          .map((e) => e.id)
          .slice(0, 2),
      ).toEqual(['1', '2']);

      const mid = server.requests.length;
      const b = run(redirect, { profile: 'backoff', backoff: { baseMs: 10, capMs: 20 } });
      await waitFor('3 requests', () => paths(mid).length >= 3);
      await b.s.stop();
      expect(paths(mid).slice(0, 3)).toEqual([redirect, target, redirect]);
    });

    it('a redirect loop is a bounded network error, and the browser profile retries', async () => {
      const { h } = run('/redirect-loop', { maxRedirects: 5, defaultRetryMs: 30 });
      await waitFor('a reconnect', () => h.count('connect') >= 2);
      const close = all(h, 'close')[0];
      expect(close.reason).toBe('error');
      expect(close.detail).toMatch(/too many redirects \(5\)/);
      expect(h.count('response')).toBe(0);
    });
  });

  describe('stream endings and signals', () => {
    it('a stream cut mid-event drops the partial event and reconnects at the retry time with the last id', async () => {
      const { h } = run('/cut');
      await waitFor('a second connect', () => h.count('connect') >= 2);
      // The fixture ignores Last-Event-ID: look at what the first connection delivered.
      const recs = [...h.records()];
      const firstConn = recs.slice(
        0,
        recs.findIndex((r) => r.kind === 'connect' && r.attempt === 2),
      );
      expect(firstConn.filter((r) => r.kind === 'event').map((e) => e.id)).toEqual(['1']);
      expect(all(h, 'close')[0].reason).toBe('error');
      expect(all(h, 'retry')[0]).toMatchObject({ ms: 30, appliedMs: 30 });
      expect(all(h, 'reconnect-wait')[0]).toMatchObject({ delayMs: 30, profile: 'browser' });
      expect(all(h, 'connect')[1]).toMatchObject({ attempt: 2, lastEventId: '1' });
    });

    it('an absurd retry is clamped to 2^31-1 by default and to a configured ceiling', async () => {
      const a = run('/huge-retry');
      await waitFor('a reconnect wait', () => a.h.count('reconnect-wait') === 1);
      expect(all(a.h, 'retry')[0]).toMatchObject({ ms: 99999999999, appliedMs: MAX_TIMER_MS });
      expect(all(a.h, 'reconnect-wait')[0].delayMs).toBe(MAX_TIMER_MS);
      expect(all(a.h, 'close')[0].reason).toBe('eof');

      const b = run('/huge-retry', { retryClamp: { ceilingMs: 25 } });
      await waitFor('3 connects', () => b.h.count('connect') >= 3);
      expect(all(b.h, 'reconnect-wait').every((w) => w.delayMs === 25)).toBe(true);
    });

    it('Last-Event-ID resumes after every clean end: no event lost or repeated', async () => {
      const { h } = run('/sse?count=9&interval=2&stopAfter=3', { defaultRetryMs: 10 });
      await waitFor('9 events', () => h.count('event') === 9);
      expect(all(h, 'event').map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(
        all(h, 'connect')
          .slice(0, 3)
          .map((c) => c.lastEventId),
      ).toEqual(['', '3', '6']);
      const sent = server.requests
        .filter((r) => r.path.startsWith('/sse?count=9'))
        .map((r) => r.headers['last-event-id']);
      expect(sent.slice(0, 3)).toEqual([undefined, '3', '6']);
    });

    it('an event of type reset is recorded as a reset, not an event', async () => {
      const { h } = run('/reset', { defaultRetryMs: 60_000 });
      await waitFor('close', () => h.count('close') === 1);
      expect(all(h, 'reset')).toMatchObject([{ data: 'earliest is 5', sub: 7 }]);
      expect(all(h, 'event').map((e) => e.seq)).toEqual([5]);
    });

    it('heartbeats are recorded and keep the watchdog quiet; silence is a stall', async () => {
      const ok = run('/sse?count=0&hb=20', { heartbeatMs: 20, stallMultiple: 100 });
      const dead = run('/silence', { heartbeatMs: 20, stallMultiple: 5, defaultRetryMs: 20 });
      await waitFor('two stalls', () => dead.h.count('close') >= 2);
      expect(all(dead.h, 'close').every((c) => c.reason === 'stalled')).toBe(true);
      expect(all(dead.h, 'connect')[1].attempt).toBe(2);
      expect(ok.h.count('heartbeat')).toBeGreaterThan(3);
      expect(ok.h.count('close')).toBe(0);
    });

    it('stop() aborts the stream, records close aborted then unsubscribe', async () => {
      const { h, s } = run('/sse?interval=5');
      await waitFor('an event', () => h.count('event') > 0);
      await s.stop();
      expect(kinds(h).slice(-2)).toEqual(['close', 'unsubscribe']);
      expect(all(h, 'close')[0].reason).toBe('aborted');
      await waitFor('server saw the close', () => server.open === 0);
    });

    it('a parser limit ends the connection with parse-error and the client reconnects', async () => {
      const { h } = run('/sse?count=5&interval=5&size=500', { maxLineBytes: 100, defaultRetryMs: 10_000 });
      await waitFor('close', () => h.count('close') === 1);
      expect(all(h, 'close')[0]).toMatchObject({ reason: 'parse-error' });
      expect(all(h, 'close')[0].detail).toMatch(/maxLineBytes=100/);
      expect(h.count('reconnect-wait')).toBe(1);
    });
  });

  describe('backoff reset', () => {
    it('a connection that streamed past resetAfterMs resets the exponent; otherwise it keeps growing', async () => {
      // Each connection streams 3 events (~15 ms) and ends cleanly.
      const path = '/sse?interval=5&stopAfter=3';
      const random = (): number => 0.999; // the top of each interval makes the exponent visible
      const reset = run(path, {
        profile: 'backoff',
        random,
        backoff: { baseMs: 8, capMs: 1000, resetAfterMs: 1 },
      });
      const grow = run(path, {
        profile: 'backoff',
        random,
        backoff: { baseMs: 8, capMs: 1000, resetAfterMs: 60_000 },
      });
      await waitFor(
        '4 waits each',
        () => reset.h.count('reconnect-wait') >= 4 && grow.h.count('reconnect-wait') >= 4,
      );
      const d = (h: History): number[] =>
        all(h, 'reconnect-wait')
          .slice(0, 4)
          .map((w) => w.delayMs);
      expect(d(reset.h)).toEqual([7, 7, 7, 7]);
      expect(d(grow.h)).toEqual([7, 15, 31, 63]);
    });
  });
});
