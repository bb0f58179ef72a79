/**
 * Chromium's HTTP/1.1 limit of 6 connections per origin, per browser context (all its tabs): a 7th
 * EventSource does not fail, it waits for a socket with no error. In the history that is a `connect`
 * with no `response`, for as long as the six stay open. The model has no such limit.
 */
import { describe, expect, it } from 'vitest';
import { HTTP1_CONNECTIONS_PER_ORIGIN, openChromiumGroup } from '../../../harness/client/chromium/index.ts';
import { createRunClock } from '../../../harness/history/clock.ts';
import { History } from '../../../harness/history/store.ts';
import {
  recordsOf,
  RUN_BROWSER_TESTS,
  sleep,
  startModel,
  startServer,
  summary,
  useBrowser,
  waitFor,
} from './fixtures.ts';

const clock = createRunClock();
const browser = useBrowser();

describe.skipIf(!RUN_BROWSER_TESTS)('the HTTP/1.1 connection cap', () => {
  it('7 EventSources to one origin in one context: six stream, the 7th is a connect with no response until a socket frees', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // A long retry: a freed socket goes to the waiting 7th, not to a quick reconnect.
      res.write('retry: 600000\n\n');
    });
    const history = new History();
    const group = await openChromiumGroup({
      browser: browser(),
      url: `${server.base}/events`,
      count: 7,
      perContext: 7,
      history,
      clock,
    });
    const responded = (sub: number) => recordsOf(history, sub).some((r) => r.kind === 'response');
    let seventh = -1;
    try {
      expect(group.contexts).toBe(1);
      await waitFor('six streams', () => server.open.size === HTTP1_CONNECTIONS_PER_ORIGIN);
      await waitFor('six responses', () => history.count('response') === 6);
      await sleep(1500);
      expect(server.open.size).toBe(6);
      const waiting = [0, 1, 2, 3, 4, 5, 6].filter((sub) => !responded(sub));
      expect(waiting).toHaveLength(1);
      seventh = waiting[0]!;
      // Its attempt started and is written (after releaseAfterMs), with no Last-Event-ID to send,
      // and it never got a response. Chromium fails a request that waits for a socket when the host's
      // IP addresses change (e.g. Docker creating a bridge network) with ERR_NETWORK_CHANGED and
      // tries again after 3 s: the history then shows that too, and still no response.
      const rec = summary(history, seventh);
      expect(rec.slice(0, 2)).toEqual(['subscriber', 'connect #1 lei=""']);
      expect(rec.filter((r) => r.startsWith('response'))).toEqual([]);
      const closes = recordsOf(history, seventh).filter((r) => r.kind === 'close');
      expect(closes.every((c) => c.detail === 'net::ERR_NETWORK_CHANGED')).toBe(true);
      expect(['connecting', 'waiting']).toContain(group.state(seventh));

      // End one of the six: the waiting request gets its socket and streams.
      const [first] = server.open;
      first!.end();
      await waitFor('the 7th streams', () => responded(seventh));
      await waitFor('six streams again', () => server.open.size === 6);
    } finally {
      await group.stop();
      await server.close();
    }
    expect(summary(history, seventh)).toContain('response 200 text/event-stream');
  });

  it('the model opens all 7 (it has no per-origin limit)', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('retry: 600000\n\n');
    });
    const history = new History();
    const subs = [0, 1, 2, 3, 4, 5, 6].map((sub) =>
      startModel({ sub, url: `${server.base}/events`, history, clock }),
    );
    try {
      await waitFor('seven streams', () => server.open.size === 7);
      await waitFor('seven responses', () => history.count('response') === 7);
      expect(subs.map((s) => s.state)).toEqual(Array(7).fill('open'));
    } finally {
      await Promise.all(subs.map((s) => s.stop()));
      await server.close();
    }
  });

  it('each browser context has its own cap: 12 EventSources at the default 6 per context all stream', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    });
    const history = new History();
    const group = await openChromiumGroup({
      browser: browser(),
      url: `${server.base}/events`,
      count: 12,
      history,
      clock,
    });
    try {
      expect(group.contexts).toBe(2);
      await waitFor('twelve streams', () => server.open.size === 12);
      await waitFor('twelve heartbeats', () => history.count('heartbeat') === 12);
      expect(group.subs.map((s) => group.state(s))).toEqual(Array(12).fill('open'));
    } finally {
      await group.stop();
      await server.close();
    }
    expect(history.count('unsubscribe')).toBe(12);
  });
});
