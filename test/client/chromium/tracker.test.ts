/**
 * The mapping from CDP observations to history records, fed with the orderings a real browser
 * produces only now and then (late headers, bytes before raw streaming, the page's verdict before
 * CDP's close, stamps from different processes out of order). The real-browser files show the
 * common orderings; these pin the rare ones.
 */
import { describe, expect, it } from 'vitest';
import { newCounters } from '../../../harness/client/subscriber.ts';
import { headerText } from '../../../harness/client/chromium/cdp-events.ts';
import {
  ChromiumSubscriber,
  CLOSED,
  CONNECTING,
  type TrackerContext,
} from '../../../harness/client/chromium/tracker.ts';
import { History } from '../../../harness/history/store.ts';
import { sleep, summary } from './fixtures.ts';

const SSE = { 'Content-Type': 'text/event-stream' };
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function tracker(releaseAfterMs = 1_000): { h: History; s: ChromiumSubscriber; ctx: TrackerContext } {
  const h = new History();
  const ctx: TrackerContext = {
    history: h,
    counters: newCounters(),
    releaseAfterMs,
    clamp: { count: 0, maxMs: 0 },
  };
  const s = new ChromiumSubscriber(7, ctx);
  s.start(0, ['a'], 'edge');
  return { h, s, ctx };
}

describe('chromium tracker', () => {
  it('holds an attempt until the headers it sent are known: connect carries the Last-Event-ID, then the rest', () => {
    const { h, s } = tracker();
    s.onRequest('r1', 10);
    s.onRawBytes('r1', Buffer.alloc(0));
    s.onResponse('r1', 12, 200, 'text/event-stream', SSE);
    expect(summary(h, 7)).toEqual(['subscriber']); // still held: which id was sent?
    s.onRequestHeaders('r1', { 'Last-Event-ID': 'e9' });
    expect(summary(h, 7)).toEqual(['subscriber', 'connect #1 lei="e9"', 'response 200 text/event-stream']);
    expect([...h.ofKind('response')][0]).toMatchObject({ t: 12, headersMs: 2 });
  });

  it('decodes a UTF-8 Last-Event-ID that CDP shows byte by byte, as windows-1252 characters', () => {
    // The UTF-8 bytes C3 A9 E2 9C 93, each shown as its windows-1252 character (as Chromium 156 does).
    const asCdpShowsIt = 'Ã©âœ“';
    expect(headerText(asCdpShowsIt)).toBe('é✓');
    expect(headerText(Buffer.from('é✓').toString('latin1'))).toBe('é✓'); // a plain Latin-1 view too
    expect(headerText('plain-1')).toBe('plain-1');
    expect(headerText('\xff\xfe')).toBe('\xff\xfe'); // not UTF-8: kept as it came
    const { h, s } = tracker();
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', { 'last-event-id': asCdpShowsIt });
    s.onRawBytes('r1', null);
    expect(summary(h, 7)[1]).toBe('connect #1 lei="é✓"');
  });

  it('raw bytes later than releaseAfterMs: the records so far are written without them, the parser catches up silently, and later heartbeats are seen', async () => {
    const { h, s } = tracker(20);
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', {});
    s.onResponse('r1', 11, 200, 'text/event-stream', SSE);
    s.onData('r1', 12, 9, undefined); // ': early\n' before streaming: its bytes are only in the answer
    s.onData('r1', 13, 0, b64('\n: par')); // streamed, but the answer is not in yet
    await sleep(60); // a loaded machine: the answer takes longer than releaseAfterMs
    expect(summary(h, 7)).toEqual([
      'subscriber',
      'connect #1 lei=""',
      'response 200 text/event-stream',
      'first-byte',
    ]);
    s.onData('r1', 14, 0, b64('tial\n\n')); // still streaming: kept for the catch-up
    s.onRawBytes('r1', Buffer.from(': early\n'));
    // The early comment and the split one are behind us: no records invented for them at a made-up time.
    expect(h.count('heartbeat')).toBe(0);
    s.onData('r1', 15, 0, b64(': later\n\nretry: 300\n\n'));
    expect(summary(h, 7).slice(4)).toEqual(['heartbeat', 'retry 300']);
  });

  it('parses bytes that came before raw streaming in the place of their chunk, at its time', () => {
    const { h, s, ctx } = tracker();
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', {});
    s.onResponse('r1', 11, 200, 'text/event-stream', SSE);
    s.onData('r1', 12, 26, undefined); // ': hi\n\nretry: 250\nid: 1\n\n' arrived before streaming
    s.onMessage('r1', 13, 'message', '2', 'x');
    s.onData('r1', 14, 0, b64('data: y\n\n')); // streamed once on
    s.onMessage('r1', 14.5, 'message', '2', 'y');
    s.onRawBytes('r1', Buffer.from(': hi\n\nretry: 250\nid: 1\n\n'));
    expect(summary(h, 7)).toEqual([
      'subscriber',
      'connect #1 lei=""',
      'response 200 text/event-stream',
      'first-byte',
      'heartbeat',
      'retry 250',
      'event message id=2',
      'event message id=2',
    ]);
    expect([...h.ofKind('heartbeat')][0]!.t).toBe(12);
    expect(ctx.counters).toMatchObject({ connected: 1, events: 2, heartbeats: 1 });
  });

  it("writes the close before the give-up even when the page's CLOSED arrives first", () => {
    const { h, s, ctx } = tracker();
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', {});
    s.onResponse('r1', 11, 502, 'text/html', { 'content-type': 'text/html' });
    s.onPageError(CLOSED);
    expect(s.state).toBe('connecting');
    s.onFinished('r1', 12);
    expect(s.state).toBe('gave-up');
    expect(summary(h, 7)).toEqual([
      'subscriber',
      'connect #1 lei=""',
      'response 502 text/html',
      'close http-status 502',
      'give-up',
    ]);
    expect([...h.ofKind('give-up')][0]).toMatchObject({
      t: 12,
      reason: "http 502: Chromium's EventSource is CLOSED for good",
    });
    expect(ctx.counters.gaveUp).toBe(1);
  });

  it('measures the reconnect wait (close to next attempt) and writes it at the close', () => {
    const { h, s, ctx } = tracker();
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', {});
    s.onRawBytes('r1', null);
    s.onResponse('r1', 11, 200, 'text/event-stream', SSE);
    s.onFinished('r1', 100);
    s.onPageError(CONNECTING);
    expect(s.state).toBe('waiting');
    s.onRequest('r2', 352);
    s.onRequestHeaders('r2', {});
    s.onRawBytes('r2', null);
    const wait = [...h.ofKind('reconnect-wait')];
    expect(wait).toEqual([{ kind: 'reconnect-wait', t: 100, sub: 7, delayMs: 252, profile: 'chromium' }]);
    expect(ctx.counters.reconnects).toBe(1);
  });

  it('keeps attempts in order: a quick reconnect waits for the previous attempt to be written', () => {
    const { h, s } = tracker();
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', {});
    s.onResponse('r1', 11, 200, 'text/event-stream', SSE);
    s.onData('r1', 12, 11, undefined);
    s.onFinished('r1', 13);
    s.onRequest('r2', 13.5); // retry: 0
    s.onRequestHeaders('r2', {});
    s.onRawBytes('r2', Buffer.alloc(0));
    expect(summary(h, 7)).toEqual(['subscriber']);
    s.onRawBytes('r1', Buffer.from('retry: 0\n\n\n'));
    expect(summary(h, 7)).toEqual([
      'subscriber',
      'connect #1 lei=""',
      'response 200 text/event-stream',
      'first-byte',
      'retry 0',
      'close eof',
      'reconnect-wait',
      'connect #2 lei=""',
    ]);
  });

  it('never lets a subscriber’s time go backwards (stamps from different browser processes)', () => {
    const { h, s, ctx } = tracker();
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', {});
    s.onRawBytes('r1', null);
    s.onResponse('r1', 20.4, 200, 'text/event-stream', SSE);
    s.onFinished('r1', 20.1); // the network service finished "before" the renderer saw the headers
    const ts = [...h.ofSubscriber(7)].map((r) => r.t);
    expect(ts).toEqual([0, 10, 20.4, 20.4]);
    expect(ctx.clamp.count).toBe(1);
    expect(ctx.clamp.maxMs).toBeCloseTo(0.3, 6);
  });

  it('writes an attempt that never reaches the wire after releaseAfterMs, with the id it would send', async () => {
    const { h, s } = tracker(30);
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', {});
    s.onRawBytes('r1', null);
    s.onResponse('r1', 11, 200, 'text/event-stream', SSE);
    s.onMessage('r1', 12, 'message', 'k5', 'x');
    s.onFailed('r1', 13, 'net::ERR_CONNECTION_RESET', false);
    s.onRequest('r2', 3013); // waits for a socket: no headers, no bytes, no response
    expect(summary(h, 7).at(-1)).toBe('reconnect-wait');
    await sleep(80);
    expect(summary(h, 7).slice(-2)).toEqual(['reconnect-wait', 'connect #2 lei="k5"']);
    expect(s.state).toBe('connecting');
  });

  it('a 200 event stream that Chromium cancels itself (it refused the charset) is a content-type close', () => {
    const { h, s } = tracker();
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', {});
    s.onRawBytes('r1', null);
    s.onResponse('r1', 11, 200, 'text/event-stream', { 'content-type': 'text/event-stream; charset=latin1' });
    s.onFailed('r1', 12, 'net::ERR_ABORTED', true);
    s.onPageError(CLOSED);
    expect([...h.ofKind('close')][0]).toMatchObject({
      reason: 'content-type',
      status: 200,
      detail: 'text/event-stream; charset=latin1 (net::ERR_ABORTED)',
    });
    expect(s.state).toBe('gave-up');
  });

  it('on stop: a cancellation is `aborted`, an attempt still in flight is closed, then unsubscribe', () => {
    const { h, s, ctx } = tracker();
    s.onRequest('r1', 10);
    s.onRequestHeaders('r1', {});
    s.onRawBytes('r1', null);
    s.onResponse('r1', 11, 200, 'text/event-stream', SSE);
    s.beginStop();
    s.onFailed('r1', 50, 'net::ERR_ABORTED', true);
    s.finishStop(60);
    expect(summary(h, 7).slice(-2)).toEqual(['close aborted', 'unsubscribe']);
    expect(ctx.counters.connected).toBe(0);

    const other = tracker();
    other.s.onRequest('q1', 10); // never answered
    other.s.beginStop();
    other.s.finishStop(60);
    expect(summary(other.h, 7)).toEqual(['subscriber', 'connect #1 lei=""', 'close aborted', 'unsubscribe']);
    expect(other.s.inFlight).toBe(false);
  });
});
