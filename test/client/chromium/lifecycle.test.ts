/**
 * A real Chromium EventSource's life, against purpose-built servers on 127.0.0.1, recorded next to
 * the `browser` model (harness/client/subscriber.ts) on the same server: where both record the same
 * story the model holds; where they differ, the difference is pinned here (the model check).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { openChromiumGroup, type ChromiumGroup } from '../../../harness/client/chromium/index.ts';
import type { SubscriberOptions } from '../../../harness/client/subscriber.ts';
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

const CHROMIUM = 1;
const MODEL = 2;

interface Run {
  history: History;
  group: ChromiumGroup;
  /** Requests per path+query the server saw. */
  hits: Map<string, number>;
}

/**
 * Serves `handle` on 127.0.0.1, runs one Chromium EventSource (sub 1) and one model subscriber
 * (sub 2) on `path?who=chromium|model` until `until` resolves, then stops everything.
 */
async function observe(
  handle: (req: IncomingMessage, res: ServerResponse, hit: number) => void,
  path: string,
  until: (run: Run) => Promise<void>,
  modelOptions: Partial<SubscriberOptions> = {},
): Promise<Run> {
  const server = await startServer(handle);
  const history = new History();
  const url = (who: string): string => `${server.base}${path}?who=${who}`;
  try {
    const group = await openChromiumGroup({
      browser: browser(),
      url: url('chromium'),
      count: 1,
      firstSub: CHROMIUM,
      history,
      clock,
    });
    const model = startModel({ sub: MODEL, url: url('model'), history, clock, ...modelOptions });
    const run = { history, group, hits: server.hits };
    try {
      await until(run);
    } finally {
      await group.stop();
      await model.stop();
    }
    return run;
  } finally {
    await server.close();
  }
}

const sse = (res: ServerResponse, extra: Record<string, string> = {}): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', ...extra });
  res.flushHeaders();
};

describe.skipIf(!RUN_BROWSER_TESTS)('a real Chromium EventSource, compared with the browser model', () => {
  it("reconnects after a stream end at the server's retry: and sends the last id it saw, like the model", async () => {
    const sentIds: string[] = [];
    const run = await observe(
      (req, res, hit) => {
        sentIds.push(
          `${new URL(req.url!, 'http://x').searchParams.get('who')}:${req.headers['last-event-id'] ?? ''}`,
        );
        sse(res);
        if (hit > 1) return void res.write(': hb\n\n');
        res.write('retry: 250\n\n');
        setTimeout(() => res.write('id: e1\ndata: {"seq":7,"t":12.5,"topic":"a"}\n\n'), 80);
        setTimeout(() => res.write('id: e2\nevent: custom\ndata: two\n\n'), 160);
        setTimeout(() => res.write(': hb\n\n'), 240);
        setTimeout(() => res.end(), 320);
      },
      '/events',
      async (live) => {
        await waitFor('both reconnected', () => {
          const connects = [...live.history.ofKind('connect')];
          return [CHROMIUM, MODEL].every((s) => connects.filter((c) => c.sub === s).length === 2);
        });
        await waitFor('both reopened', () => live.history.count('heartbeat') >= 4);
      },
    );
    const expected = [
      'subscriber',
      'connect #1 lei=""',
      'response 200 text/event-stream',
      'first-byte',
      'retry 250',
      'event message id=e1',
      'event custom id=e2',
      'heartbeat',
      'close eof',
      'reconnect-wait',
      'connect #2 lei="e2"',
      'response 200 text/event-stream',
      'first-byte',
      'heartbeat',
      'close aborted',
      'unsubscribe',
    ];
    expect(summary(run.history, CHROMIUM)).toEqual(expected);
    expect(summary(run.history, MODEL)).toEqual(expected);
    // What the server received is what the history says was sent.
    expect(sentIds.sort()).toEqual(['chromium:', 'chromium:e2', 'model:', 'model:e2']);
    const c = recordsOf(run.history, CHROMIUM);
    // Payload fields decoded (harness/history/payload.ts), and the same byte count as the model's.
    const e1 = (sub: number) => recordsOf(run.history, sub).find((r) => r.kind === 'event' && r.id === 'e1');
    expect(e1(CHROMIUM)).toMatchObject({ seq: 7, topic: 'a', publishedAt: 12.5, bytes: 30 });
    expect(e1(MODEL)).toMatchObject({ seq: 7, topic: 'a', publishedAt: 12.5, bytes: 30 });
    expect(c.find((r) => r.kind === 'retry')).toMatchObject({ ms: 250, appliedMs: 250 });
    for (const sub of [CHROMIUM, MODEL]) {
      const wait = recordsOf(run.history, sub).find((r) => r.kind === 'reconnect-wait');
      // The server's retry, not the 3000 ms default. Chromium's wait is measured between two of its
      // own timestamps taken in different processes (a few ms either way); the model's is planned.
      expect(wait, `sub ${sub}`).toMatchObject({ profile: sub === CHROMIUM ? 'chromium' : 'browser' });
      const delay = (wait as { delayMs: number }).delayMs;
      expect(delay).toBeGreaterThanOrEqual(240);
      expect(delay).toBeLessThan(3000);
    }
    // Every subscriber's records are in time order.
    for (const sub of [CHROMIUM, MODEL]) {
      const ts = recordsOf(run.history, sub).map((r) => r.t);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
    }
  });

  it('reconnects after a network error mid-stream, with the last id, like the model', async () => {
    const run = await observe(
      (_req, res, hit) => {
        sse(res);
        res.write(`retry: 100\nid: n${hit}\ndata: x\n\n`);
        if (hit === 1) setTimeout(() => res.socket?.destroy(), 100);
      },
      '/events',
      async (live) => {
        await waitFor('both back with n2', () => live.history.count('event') >= 4);
      },
    );
    const expected = [
      'subscriber',
      'connect #1 lei=""',
      'response 200 text/event-stream',
      'first-byte',
      'retry 100',
      'event message id=n1',
      'close error',
      'reconnect-wait',
      'connect #2 lei="n1"',
      'response 200 text/event-stream',
      'first-byte',
      'retry 100',
      'event message id=n2',
      'close aborted',
      'unsubscribe',
    ];
    expect(summary(run.history, CHROMIUM)).toEqual(expected);
    expect(summary(run.history, MODEL)).toEqual(expected);
    const close = recordsOf(run.history, CHROMIUM).find((r) => r.kind === 'close');
    // Chromium names its net error; the model names undici's.
    expect(close).toMatchObject({ reason: 'error', detail: expect.stringMatching(/^net::ERR_/) as unknown });
  });

  it('sends a non-ASCII last event id as UTF-8 and records it as text, like the model', async () => {
    const received: string[] = [];
    const run = await observe(
      (req, res, hit) => {
        const raw = req.headers['last-event-id'];
        if (typeof raw === 'string') received.push(Buffer.from(raw, 'latin1').toString('utf8'));
        sse(res);
        res.end(hit === 1 ? 'retry: 50\nid: é✓-1\ndata: x\n\n' : 'retry: 60000\n\n');
      },
      '/events',
      async (live) => {
        await waitFor('both reconnected', () => live.history.count('connect') === 4);
        await waitFor('the server saw both', () => received.length === 2);
      },
    );
    expect(received).toEqual(['é✓-1', 'é✓-1']);
    for (const sub of [CHROMIUM, MODEL]) expect(summary(run.history, sub)).toContain('connect #2 lei="é✓-1"');
  });

  it('tracks the last event id by the parsing rules, like the model: id-only blocks count, NUL ids and a cut-off event do not', async () => {
    const run = await observe(
      (_req, res, hit) => {
        sse(res);
        if (hit > 1) return void res.write('retry: 60000\n\n');
        res.end(
          'retry: 50\nid: a1\ndata: x\n\nid: bad\0id\ndata: y\n\nid: only-id\n\nid: cut\ndata: partial',
        );
      },
      '/events',
      async (live) => {
        await waitFor('both reconnected', () => live.history.count('connect') === 4);
      },
    );
    const expected = [
      'subscriber',
      'connect #1 lei=""',
      'response 200 text/event-stream',
      'first-byte',
      'retry 50',
      'event message id=a1',
      'event message id=a1',
      'close eof',
      'reconnect-wait',
      'connect #2 lei="only-id"',
      'response 200 text/event-stream',
      'first-byte',
      'retry 60000',
      'close aborted',
      'unsubscribe',
    ];
    expect(summary(run.history, CHROMIUM)).toEqual(expected);
    expect(summary(run.history, MODEL)).toEqual(expected);
  });

  describe('stops for good (give-up) on a refused response, like the model', () => {
    const refusals: Array<[string, (res: ServerResponse) => void, string[]]> = [
      [
        '502',
        (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>bad gateway</h1>'),
        ['response 502 text/html', 'close http-status 502'],
      ],
      ['204', (res) => res.writeHead(204).end(), ['response 204 ', 'close http-status 204']],
      [
        'a text/plain 200',
        (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('data: no\n\n'),
        ['response 200 text/plain', 'close content-type 200'],
      ],
    ];
    it.each(refusals)('%s', async (_name, refuse, recorded) => {
      const run = await observe(
        (_req, res, hit) => {
          if (hit > 1) return refuse(res);
          sse(res);
          res.end('retry: 100\nid: k1\ndata: x\n\n');
        },
        '/events',
        async (live) => {
          await waitFor('both gave up', () => live.history.count('give-up') === 2);
          // Ten times the retry interval: a client that had not given up would have come back.
          await sleep(1000);
          expect([...live.hits.values()]).toEqual([2, 2]);
          expect(live.group.state(CHROMIUM)).toBe('gave-up');
        },
      );
      const expected = [
        'subscriber',
        'connect #1 lei=""',
        'response 200 text/event-stream',
        'first-byte',
        'retry 100',
        'event message id=k1',
        'close eof',
        'reconnect-wait',
        'connect #2 lei="k1"',
        ...recorded,
        'give-up',
        'unsubscribe',
      ];
      expect(summary(run.history, CHROMIUM)).toEqual(expected);
      expect(summary(run.history, MODEL)).toEqual(expected);
      expect(recordsOf(run.history, CHROMIUM).find((r) => r.kind === 'give-up')).toMatchObject({
        reason: expect.stringMatching(/CLOSED for good$/) as unknown,
      });
    });
  });

  describe('differences found by the model check, now modelled', () => {
    it('both refuse text/event-stream with a charset other than UTF-8, for good', async () => {
      const run = await observe(
        (_req, res) => {
          sse(res, { 'content-type': 'text/event-stream; charset=iso-8859-1' });
          // The body comes later, so each side's verdict on the headers is all there is to see.
          setTimeout(() => res.write('retry: 100\nid: c1\ndata: caf\xe9\n\n'), 200);
        },
        '/events',
        async (live) => {
          await waitFor('both gave up', () => live.history.count('give-up') === 2);
          await sleep(300);
        },
      );
      const expected = [
        'subscriber',
        'connect #1 lei=""',
        'response 200 text/event-stream; charset=iso-8859-1',
        'close content-type 200',
        'give-up',
        'unsubscribe',
      ];
      expect(summary(run.history, CHROMIUM)).toEqual(expected);
      expect(summary(run.history, MODEL)).toEqual(expected);
    });

    it('after a redirect both reconnect to the redirect target', async () => {
      const run = await observe(
        (req, res) => {
          const u = new URL(req.url!, 'http://x');
          if (u.pathname === '/moved') {
            res.writeHead(307, { location: `/target?who=${u.searchParams.get('who')}` }).end();
            return;
          }
          sse(res);
          res.end('retry: 50\ndata: x\n\n');
        },
        '/moved',
        async (live) => {
          // Each on its own: one client may run ahead of the other.
          const target = (who: string) => live.hits.get(`/target?who=${who}`) ?? 0;
          await waitFor('three attempts each', () => target('chromium') >= 3 && target('model') >= 3);
        },
      );
      const hits = (path: string) => run.hits.get(path) ?? 0;
      for (const who of ['chromium', 'model']) {
        expect(hits(`/moved?who=${who}`)).toBe(1);
        expect(hits(`/target?who=${who}`)).toBeGreaterThanOrEqual(3);
      }
    });
  });

  describe('where the model and Chromium differ (documented, not modelled)', () => {
    it('a connection closed before any response: Chromium sends the first attempt twice (one network-level retry); the model once', async () => {
      const run = await observe(
        (_req, res) => res.socket?.destroy(),
        '/events',
        async (live) => {
          await waitFor('both failed once', () => live.history.count('close') === 2);
          await sleep(500);
        },
      );
      // One attempt each in the history. (The model writes its reconnect-wait when it decides; Chromium's
      // is measured, so it is written only once the next attempt starts, 3 s later.)
      expect(summary(run.history, CHROMIUM)).toEqual([
        'subscriber',
        'connect #1 lei=""',
        'close error',
        'unsubscribe',
      ]);
      expect(summary(run.history, MODEL)).toEqual([
        'subscriber',
        'connect #1 lei=""',
        'close error',
        'reconnect-wait',
        'unsubscribe',
      ]);
      expect(recordsOf(run.history, CHROMIUM).find((r) => r.kind === 'close')).toMatchObject({
        detail: 'net::ERR_EMPTY_RESPONSE',
      });
      expect(run.hits.get('/events?who=chromium')).toBe(2);
      expect(run.hits.get('/events?who=model')).toBe(1);
    });

    it('a silent stream stays open in Chromium (no idle timeout); the model with a watchdog calls it stalled', async () => {
      const run = await observe(
        (_req, res) => {
          sse(res);
          res.write('retry: 100\n\n'); // then silence: no events, no heartbeats
        },
        '/events',
        async (live) => {
          await waitFor('the model stalled twice', () => {
            const closes = recordsOf(live.history, MODEL).filter((r) => r.kind === 'close');
            return closes.length >= 2;
          });
          expect(live.group.state(CHROMIUM)).toBe('open');
        },
        { heartbeatMs: 100, stallMultiple: 3 },
      );
      expect(summary(run.history, CHROMIUM)).toEqual([
        'subscriber',
        'connect #1 lei=""',
        'response 200 text/event-stream',
        'first-byte',
        'retry 100',
        'close aborted',
        'unsubscribe',
      ]);
      expect(summary(run.history, MODEL).slice(0, 7)).toEqual([
        'subscriber',
        'connect #1 lei=""',
        'response 200 text/event-stream',
        'first-byte',
        'retry 100',
        'close stalled',
        'reconnect-wait',
      ]);
    });
  });
});
