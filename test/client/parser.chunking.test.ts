/**
 * Property: any chunking of the same bytes gives the same events, retries, comments and final id,
 * and the result equals a deliberately naive string-based reading of the spec (the oracle).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChunks, utf8 } from './parse-helpers.ts';
import { oracle } from './parser-oracle.ts';

const fragment = fc.constantFrom(
  'data:',
  'data: ',
  'data',
  'event:',
  'event: ping',
  'id:',
  'id: ',
  'id: 1',
  'retry:',
  'retry: 25',
  'retry:x',
  ':',
  ': hb',
  ' ',
  'x',
  'é',
  '€',
  '😀',
  '\0',
  '\uFEFF',
  '\n',
  '\n',
  '\n',
  '\r',
  '\r\n',
  '\n\n',
  'Data:',
  'reset',
  // Prefixes of field names: short unknown fields that follow longer lines in the carry-over buffer.
  'd',
  'i',
  'dat',
  'ev',
  'ret',
);

const stream = fc
  .tuple(fc.boolean(), fc.array(fragment, { maxLength: 40 }), fc.uint8Array({ maxLength: 3 }))
  .map(([bom, parts, junk]) => {
    const body = utf8((bom ? '\uFEFF' : '') + parts.join(''));
    // Occasionally splice raw (possibly invalid UTF-8) bytes in the middle.
    const at = Math.floor(body.length / 2);
    return new Uint8Array([...body.subarray(0, at), ...junk, ...body.subarray(at)]);
  });

describe('parser chunking property', () => {
  it('whole input equals the spec oracle', () => {
    fc.assert(
      fc.property(stream, (bytes) => {
        expect(parseChunks(bytes, [])).toEqual(oracle(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('every single split point and byte-by-byte feeding give the same result', () => {
    fc.assert(
      fc.property(stream, (bytes) => {
        const whole = parseChunks(bytes, []);
        for (let s = 0; s <= bytes.length; s++) expect(parseChunks(bytes, [s])).toEqual(whole);
        expect(
          parseChunks(
            bytes,
            Array.from({ length: bytes.length }, (_, i) => i),
          ),
        ).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('random chunkings give the same result', () => {
    const withSplits = stream.chain((bytes) =>
      fc.tuple(
        fc.constant(bytes),
        fc.uniqueArray(fc.nat({ max: bytes.length }), { maxLength: 12 }).map((s) => s.sort((a, b) => a - b)),
      ),
    );
    fc.assert(
      fc.property(withSplits, ([bytes, splits]) => {
        expect(parseChunks(bytes, splits)).toEqual(parseChunks(bytes, []));
      }),
      { numRuns: 2000 },
    );
  });
});
