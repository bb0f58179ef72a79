/**
 * The benchmark corpora (bench/parser-corpora.ts) through the parser at the chunkings the benchmark
 * feeds (16 KiB, 1,400 B, byte by byte) and at random cuts: every event, comment, retry and the final
 * id equal the spec oracle, and every event's `bytes` is the UTF-8 length of its data. Also the paths
 * only non-ASCII text takes: long values (the ICU decoder), bad bytes, data lines compacted in the
 * shared work buffer or kept as bytes across chunks (and decoded in parts past a bound), the event
 * size limit there, and a handler that feeds another parser while that buffer is in use.
 */
import { describe, expect, it } from 'vitest';
import {
  crlf,
  heartbeatHeavy,
  largeMultiline,
  smallEvents,
  utf8Multiline,
  type Corpus,
} from '../../bench/parser-corpora.ts';
import { createParser, ParserLimitError } from '../../harness/client/parser.ts';
import { parseChunks, utf8 } from './parse-helpers.ts';
import { oracle } from './parser-oracle.ts';

/** Split offsets that cut `length` bytes into pieces of `size`. */
function every(length: number, size: number): number[] {
  const out: number[] = [];
  for (let i = size; i < length; i += size) out.push(i);
  return out;
}

/** Deterministic pseudo-random cuts (a fixed LCG: the same cuts every run). */
function randomCuts(length: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < length;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    i += 1 + (x % 300);
    if (i < length) out.push(i);
  }
  return out;
}

/** `bytes` of every event as reported, next to the UTF-8 length of its data. */
function byteCounts(bytes: Uint8Array, size: number): [number, number][] {
  const out: [number, number][] = [];
  const p = createParser({ onEvent: (e) => out.push([e.bytes, Buffer.byteLength(e.data)]) });
  for (let i = 0; i < bytes.length; i += size) p.feed(bytes.slice(i, i + size));
  return out;
}

const corpora: Corpus[] = [
  smallEvents(300),
  crlf(300),
  largeMultiline(12),
  heartbeatHeavy(60),
  utf8Multiline(12),
];

describe('parser on the benchmark corpora', () => {
  for (const c of corpora) {
    it(`${c.name}: 16 KiB, 1,400 B, byte-by-byte and random chunks all equal the spec oracle`, () => {
      const want = oracle(c.bytes);
      expect(want.events.length).toBeGreaterThan(10);
      expect(parseChunks(c.bytes, [])).toEqual(want);
      expect(parseChunks(c.bytes, every(c.bytes.length, 16_384))).toEqual(want);
      expect(parseChunks(c.bytes, every(c.bytes.length, 1_400))).toEqual(want);
      expect(parseChunks(c.bytes, randomCuts(c.bytes.length, 7))).toEqual(want);
      const head = c.bytes.subarray(0, 6_000); // byte by byte: the first few KiB are enough
      expect(parseChunks(head, every(head.length, 1))).toEqual(oracle(head));
    });

    it(`${c.name}: bytes is the UTF-8 length of data at every chunking`, () => {
      for (const size of [c.bytes.length, 16_384, 1_400, 97]) {
        const counts = byteCounts(c.bytes, size);
        expect(counts.length).toBeGreaterThan(10);
        for (const [reported, actual] of counts) expect(reported).toBe(actual);
      }
    });
  }
});

describe('parser paths of non-ASCII text', () => {
  const long = 'ünïcødé – text, ok 😀 '.repeat(40); // > 256 bytes: the ICU decoder's size

  it('long non-ASCII values with bad bytes equal the oracle at every split point', () => {
    const bytes = new Uint8Array([
      ...utf8(`id: é1\nevent: ünï\ndata: ${long}\ndata: `),
      0xff,
      0xe2,
      0x82, // a truncated sequence right before a line end
      ...utf8(`\n: ${long}\ndata:${long}\n\n`),
    ]);
    const want = oracle(bytes);
    expect(want.events[0]!.data).toContain('\uFFFD');
    for (let s = 0; s <= bytes.length; s += 7) expect(parseChunks(bytes, [s])).toEqual(want);
    expect(parseChunks(bytes, every(bytes.length, 1))).toEqual(want);
    const [reported, actual] = byteCounts(bytes, 64)[0]!;
    expect(reported).toBe(actual);
  });

  it('ASCII and non-ASCII chunks alternating inside one event join in order', () => {
    const parts = ['data: plain\n', 'data: ü\n', 'data: more plain\ndata: é', 'nd\n', 'data: x\n\n'];
    const bytes = utf8(parts.join(''));
    const splits: number[] = [];
    let at = 0;
    for (const p of parts.slice(0, -1)) splits.push((at += utf8(p).length));
    expect(parseChunks(bytes, splits).events).toEqual([
      { type: 'message', data: 'plain\nü\nmore plain\nénd\nx', lastEventId: '' },
    ]);
  });

  it('a non-ASCII event far larger than a chunk arrives whole, its bytes counted', () => {
    // ~300 KiB of data lines in 1,400 B chunks: past the pending-bytes bound it is decoded in parts.
    const line = `data: ${'žluťoučký kůň – ok '.repeat(20)}\n`;
    const bytes = utf8(`id: big\n${line.repeat(600)}\ndata: after\n\n`);
    const want = oracle(bytes);
    expect(want.events).toHaveLength(2);
    expect(parseChunks(bytes, every(bytes.length, 1_400))).toEqual(want);
    expect(parseChunks(bytes, randomCuts(bytes.length, 3))).toEqual(want);
    for (const [reported, actual] of byteCounts(bytes, 1_400)) expect(reported).toBe(actual);
  });

  it('maxEventBytes holds for non-ASCII data gathered across chunks', () => {
    const p = createParser({ onEvent: () => undefined }, { maxEventBytes: 100 });
    p.feed(utf8('data: ünï 0123456789\ndata: ünï 0123456789\ndata: ünï 01'));
    p.feed(utf8('23456789\ndata: ünï 0123456789\n'));
    expect(() => p.feed(utf8('data: ünï 0123456789\ndata: ünï 0123456789\n'))).toThrow(ParserLimitError);
  });

  it('a handler that feeds another parser mid-chunk leaves both outputs intact', () => {
    const inner: string[] = [];
    const innerParser = createParser({ onEvent: (e) => inner.push(e.data) });
    const outer: string[] = [];
    const outerParser = createParser({
      onEvent: (e) => {
        outer.push(e.data);
        // The outer parser is compacting its own chunk in the shared work buffer right now.
        innerParser.feed(utf8('data: innër 1\ndata: innër 2\n\n'));
      },
    });
    outerParser.feed(utf8('data: öuter 1\ndata: öuter 2\n\ndata: öuter 3\ndata: öuter 4\n\n'));
    expect(outer).toEqual(['öuter 1\nöuter 2', 'öuter 3\nöuter 4']);
    expect(inner).toEqual(['innër 1\ninnër 2', 'innër 1\ninnër 2']);
  });
});
