/**
 * Conformance table for the event-stream parser: each row is a trap from the WHATWG HTML spec
 * ("Interpreting an event stream") or a web-platform-tests eventsource/format-* case, checked whole
 * and under every single split point and byte by byte.
 */
import { describe, expect, it } from 'vitest';
import { createParser, ParserLimitError } from '../../harness/client/parser.ts';
import { parseChunks, utf8, type Collected } from './parse-helpers.ts';

interface Row {
  name: string;
  source: string;
  input: string | Uint8Array;
  events: { type?: string; data: string; lastEventId?: string }[];
  retries?: number[];
  comments?: string[];
  lastEventId?: string;
  startId?: string;
}

const BOM = '\uFEFF';
const LONG = 'x'.repeat(2048);

const table: Row[] = [
  {
    name: 'data fields: empty value, no colon, joined with LF',
    source: 'wpt format-field-data',
    input: 'data:\n\ndata\ndata\n\ndata:test\n\n',
    events: [{ data: '' }, { data: '\n' }, { data: 'test' }],
  },
  {
    name: 'comments between data lines, CR / LF / CRLF endings, long comments',
    source: 'wpt format-comments',
    input: `data:1\r:\0\n:\r\ndata:2\n:${LONG}\rdata:3\n:data:fail\r:${LONG}\ndata:4\n\n`,
    events: [{ data: '1\n2\n3\n4' }],
    comments: ['\0', '', LONG, 'data:fail', LONG],
  },
  {
    name: 'field parsing: case, NUL in name, leading space in name, one space stripped',
    source: 'wpt format-field-parsing',
    input:
      'data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\rdata:4\n\n',
    events: [{ data: '\0\n 2\n1\n3\n\n4' }],
  },
  {
    name: 'unterminated last event is discarded',
    source: 'wpt format-data-before-final-empty-line',
    input: 'retry:1000\ndata:test1\n\nid:test\ndata:test2',
    events: [{ data: 'test1' }],
    retries: [1000],
    lastEventId: '',
  },
  {
    name: 'exactly one leading BOM is stripped; a second one is content',
    source: 'wpt format-bom-2',
    input: `${BOM}${BOM}data:1\n\ndata:2\n\ndata:3`,
    events: [{ data: '2' }],
  },
  {
    name: 'single leading BOM',
    source: 'wpt format-bom',
    input: `${BOM}data:1\n\ndata:2\n\ndata:3`,
    events: [{ data: '1' }, { data: '2' }],
  },
  {
    name: 'BOM inside a value is kept',
    source: 'spec (UTF-8 decode strips only the stream BOM)',
    input: `data:${BOM}x\n\n`,
    events: [{ data: `${BOM}x` }],
  },
  {
    name: 'empty event type means message',
    source: 'wpt format-field-event-empty',
    input: 'event: \ndata:data\n\n',
    events: [{ type: 'message', data: 'data' }],
  },
  {
    name: 'event type applies to one event only',
    source: 'wpt format-field-event',
    input: 'event:test\ndata:x\n\ndata:x\n\n',
    events: [
      { type: 'test', data: 'x' },
      { type: 'message', data: 'x' },
    ],
  },
  {
    name: 'event type without data dispatches nothing and is reset',
    source: 'spec dispatch step 2',
    input: 'event:lost\n\ndata:y\n\n',
    events: [{ type: 'message', data: 'y' }],
  },
  {
    name: 'id persists across events until changed; empty id resets it',
    source: 'wpt format-field-id',
    input: 'id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n',
    events: [
      { data: 'a', lastEventId: '1' },
      { data: 'b', lastEventId: '1' },
      { data: 'c', lastEventId: '' },
    ],
    lastEventId: '',
  },
  {
    name: 'id containing U+0000 is ignored',
    source: 'wpt format-field-id-null',
    input: 'id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n',
    events: [
      { data: 'a', lastEventId: '1' },
      { data: 'b', lastEventId: '1' },
    ],
  },
  {
    name: 'an id-only block updates the last event id',
    source: 'spec dispatch step 1',
    input: 'data: a\n\nid: 7\n\n',
    events: [{ data: 'a', lastEventId: '' }],
    lastEventId: '7',
  },
  {
    name: 'non-ASCII ids and data decode as UTF-8',
    source: 'wpt format-field-id-2 / format-utf-8',
    input: 'id: …\ndata: hello\n\ndata: ok…€😀\n\n',
    events: [
      { data: 'hello', lastEventId: '…' },
      { data: 'ok…€😀', lastEventId: '…' },
    ],
  },
  {
    name: 'invalid UTF-8 becomes U+FFFD',
    source: 'spec (UTF-8 decode)',
    input: new Uint8Array([...utf8('data: a'), 0xff, 0xe2, 0x82, ...utf8('\n\n')]),
    events: [{ data: 'a\uFFFD\uFFFD' }],
  },
  {
    name: 'NUL in data is kept',
    source: 'wpt format-null-character',
    input: 'data:\0\n\n',
    events: [{ data: '\0' }],
  },
  {
    name: 'retry with only digits counts; bogus retry ignored',
    source: 'wpt format-field-retry / format-field-retry-bogus',
    input: 'retry:2000\nretry:1000x\nretry: 300\nretry:\nretry:-1\nretry:1.5\nretry\ndata:x\n\n',
    events: [{ data: 'x' }],
    retries: [2000, 300],
  },
  {
    name: 'absurd retry values are reported as sent (clamping is the client policy)',
    source: 'spec (base-ten integer)',
    input: 'retry: 99999999999\n\n',
    events: [],
    retries: [99999999999],
  },
  {
    name: 'CRLF, CR and LF are all line ends; CR CR is two lines',
    source: 'spec end-of-line',
    input: 'data:a\r\n\r\ndata:b\r\rdata:c\n\n',
    events: [{ data: 'a' }, { data: 'b' }, { data: 'c' }],
  },
  {
    name: 'unknown fields are ignored, colon-only value after field name kept',
    source: 'spec "otherwise ignore"',
    input: 'foo: bar\ndata: a: b\n\n',
    events: [{ data: 'a: b' }],
  },
  {
    name: 'only one leading space is stripped from values',
    source: 'spec',
    input: 'data:  two\nevent:  t\n\n',
    events: [{ type: ' t', data: ' two' }],
  },
  {
    name: 'starting last event id is reported on events and kept',
    source: 'contract option lastEventId',
    input: 'data: a\n\n',
    startId: '41',
    events: [{ data: 'a', lastEventId: '41' }],
    lastEventId: '41',
  },
];

function expected(row: Row): Collected {
  return {
    events: row.events.map((e) => ({
      type: e.type ?? 'message',
      data: e.data,
      lastEventId: e.lastEventId ?? '',
    })),
    retries: row.retries ?? [],
    comments: row.comments ?? [],
    lastEventId: row.lastEventId ?? row.events.at(-1)?.lastEventId ?? row.startId ?? '',
  };
}

describe('parser conformance table', () => {
  for (const row of table) {
    it(`${row.name} (${row.source})`, () => {
      const bytes = typeof row.input === 'string' ? utf8(row.input) : row.input;
      const want = expected(row);
      if (row.startId !== undefined) {
        want.events = want.events.map((e) => ({ ...e, lastEventId: e.lastEventId || row.startId! }));
      }
      const opts = row.startId === undefined ? undefined : { lastEventId: row.startId };
      const check = (got: Collected): void => {
        if (row.comments === undefined) got.comments = [];
        expect(got).toEqual(want);
      };
      check(parseChunks(bytes, [], opts));
      for (let s = 0; s <= bytes.length; s++) check(parseChunks(bytes, [s], opts));
      check(
        parseChunks(
          bytes,
          Array.from({ length: bytes.length }, (_, i) => i),
          opts,
        ),
      );
    });
  }
});

describe('parser limits', () => {
  it('a line longer than maxLineBytes throws ParserLimitError, across chunks too', () => {
    const p = createParser({ onEvent: () => undefined }, { maxLineBytes: 16 });
    p.feed(utf8('data: 0123456'));
    expect(() => p.feed(utf8('789abcdef'))).toThrow(ParserLimitError);
    expect(() => p.feed(utf8('\n\n'))).toThrow(/maxLineBytes=16/);
  });

  it('an event whose data exceeds maxEventBytes throws, lines within the line limit', () => {
    const p = createParser({ onEvent: () => undefined }, { maxLineBytes: 64, maxEventBytes: 20 });
    p.feed(utf8('data: 0123456789\n'));
    expect(() => p.feed(utf8('data: 0123456789\n'))).toThrow(ParserLimitError);
  });

  it('limits below the input dispatch normally', () => {
    const events: string[] = [];
    const p = createParser({ onEvent: (e) => events.push(e.data) }, { maxLineBytes: 12, maxEventBytes: 12 });
    p.feed(utf8('data: 123456\ndata: 1234\n\n'));
    expect(events).toEqual(['123456\n1234']);
  });

  it('reports the UTF-8 byte length of data', () => {
    const sizes: number[] = [];
    const p = createParser({ onEvent: (e) => sizes.push(e.bytes) });
    p.feed(utf8('data: €\ndata: a\n\ndata\n\n'));
    expect(sizes).toEqual([5, 0]);
  });
});

describe('parser state across chunks', () => {
  it('a short line carried across chunks is not completed by stale bytes of an earlier longer line', () => {
    const events: string[] = [];
    const ids: string[] = [];
    const p = createParser({ onEvent: (e) => (events.push(e.data), ids.push(e.lastEventId)) });
    // "data:xyz" and "id: 5" pass through the carry-over buffer, then the unknown fields "d" and
    // "i" do, with the older bytes still behind them.
    for (const c of ['dat', 'a:xyz\n', 'd', '\n', 'i', 'd: 5\n', 'i', '\n', '\n']) p.feed(utf8(c));
    expect(events).toEqual(['xyz']);
    expect(ids).toEqual(['5']);
  });
});
