/**
 * The socket path's HTTP/1.1 response decoder: heads, the three body framings, interim responses,
 * malformed input, and any split of the bytes across reads (fast-check) giving the same result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Http1ResponseDecoder,
  MAX_HEAD_BYTES,
  type ResponseHead,
} from '../../harness/client/http1-decoder.ts';

interface Seen {
  heads: ResponseHead[];
  body: string;
  ended: boolean;
  error?: string;
}

function decoder(accept = true): { d: Http1ResponseDecoder; seen: Seen } {
  const seen: Seen = { heads: [], body: '', ended: false };
  const d = new Http1ResponseDecoder({
    onHead: (h) => (seen.heads.push(h), accept),
    onBody: (c) => (seen.body += Buffer.from(c).toString('latin1')),
    onEnd: () => (seen.ended = true),
    onError: (m) => (seen.error = m),
  });
  return { d, seen };
}

/** Feeds `text` in pieces cut at `cuts` (offsets), through one reused buffer like the socket path. */
function feed(d: Http1ResponseDecoder, text: string, cuts: number[] = []): void {
  const bytes = Buffer.from(text, 'latin1');
  const shared = Buffer.alloc(bytes.length + 16);
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length])].sort(
    (a, b) => a - b,
  );
  for (let i = 1; i < points.length; i++) {
    const n = bytes.copy(shared, 0, points[i - 1], points[i]);
    d.feed(shared, 0, n);
    shared.fill(0x2a); // the next read overwrites it: nothing may be kept by reference
  }
}

const SSE_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Two: a\r\nx-two: b\r\n';

describe('Http1ResponseDecoder', () => {
  it('decodes a chunked event stream: head, chunks (with extensions and trailers), end', () => {
    const { d, seen } = decoder();
    feed(
      d,
      `${SSE_HEAD}Transfer-Encoding: chunked\r\n\r\n7\r\ndata: a\r\n2;ext=1\r\n\n\n\r\n0\r\nX-Trailer: t\r\n\r\n`,
    );
    expect(seen.heads).toEqual([
      {
        status: 200,
        headers: { 'content-type': 'text/event-stream', 'x-two': 'a, b', 'transfer-encoding': 'chunked' },
      },
    ]);
    expect(seen.body).toBe('data: a\n\n');
    expect(seen.ended).toBe(true);
    expect(d.done).toBe(true);
  });

  it('a Content-Length body ends at its length; a body without framing ends only at the close', () => {
    const a = decoder();
    feed(a.d, 'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 5\r\n\r\nhello');
    expect([a.seen.heads[0]!.status, a.seen.body, a.seen.ended]).toEqual([502, 'hello', true]);
    const b = decoder();
    feed(b.d, `${SSE_HEAD}\r\ndata: x\n\n`);
    expect(b.seen.ended).toBe(false);
    expect(b.d.close()).toBe('end');
    expect([b.seen.body, b.seen.ended]).toEqual(['data: x\n\n', true]);
  });

  it('a close before the framed end is a cut, not an end', () => {
    const { d, seen } = decoder();
    feed(d, `${SSE_HEAD}Transfer-Encoding: chunked\r\n\r\n7\r\ndata: a`);
    expect(d.close()).toBe('cut');
    expect(seen.ended).toBe(false);
    const early = decoder();
    feed(early.d, 'HTTP/1.1 200 OK\r\nConte');
    expect(early.d.close()).toBe('cut');
    expect(early.seen.heads).toEqual([]);
  });

  it('skips interim responses and has no body for 204 and 304', () => {
    const { d, seen } = decoder();
    feed(d, 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n');
    expect(seen.heads.map((h) => h.status)).toEqual([204]);
    expect(seen.ended).toBe(true);
  });

  it('stops when the head is refused (a redirect or a non-200): nothing more is decoded', () => {
    const { d, seen } = decoder(false);
    feed(d, 'HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 3\r\n\r\nabc');
    expect(seen.heads[0]!.headers.location).toBe('/x');
    expect([seen.body, seen.ended, d.done]).toEqual(['', false, true]);
  });

  it('reports malformed responses', () => {
    const cases: [string, RegExp][] = [
      ['HTTP/2 200\r\n\r\n', /not an HTTP\/1.x status line/],
      ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /malformed header line/],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /bad Content-Length/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /bad chunk size line/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n', /missing CRLF after chunk data/],
      [`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`, /response head larger than/],
    ];
    for (const [text, error] of cases) {
      const { d, seen } = decoder();
      feed(d, text);
      expect(seen.error, text.slice(0, 40)).toMatch(error);
      expect(d.done).toBe(true);
    }
  });

  it('any split of the bytes across reads decodes the same', () => {
    const text =
      `${SSE_HEAD}Transfer-Encoding: chunked\r\n\r\n` +
      '11\r\nid: 1\ndata: {"a"}\r\n' +
      '1\r\n\n\r\n' +
      'b\r\n: heartbeat\r\n' +
      '0\r\n\r\n';
    const whole = decoder();
    feed(whole.d, text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), (cuts) => {
        const split = decoder();
        feed(split.d, text, cuts);
        expect(split.seen).toEqual(whole.seen);
      }),
      { numRuns: 300 },
    );
    expect(whole.seen.body).toBe('id: 1\ndata: {"a"}\n: heartbeat');
    expect(whole.seen.ended).toBe(true);
  });
});
