/** Pure logic of the reference server: ids, framing, resume decisions, ring, topics, validation. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { formatId, newEpoch, parseId } from '../../server/ids.ts';
import { frameComment, frameEvent, frameRetry } from '../../server/framing.ts';
import { resolveResume } from '../../server/resume.ts';
import { EventRing } from '../../server/ring.ts';
import { parseTopicsParam } from '../../server/topics.ts';
import { isAuthorized, validatePublishBody } from '../../server/publish.ts';
import { createHash } from 'node:crypto';

const EPOCH = '1795331412089';

describe('ids', () => {
  it('round-trips and orders as strings the same way as numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 - 1 }), fc.integer({ min: 1, max: 1e12 - 1 }), (a, b) => {
        const ia = formatId(EPOCH, a);
        const ib = formatId(EPOCH, b);
        expect(parseId(ia)).toEqual({ epoch: EPOCH, seq: a });
        expect(Math.sign(ia.localeCompare(ib, 'en'))).toBe(Math.sign(a - b));
        expect(ia < ib).toBe(a < b);
      }),
    );
  });
  it('orders a later epoch after every id of an earlier one', () => {
    expect(formatId(newEpoch(1000), 999_999) < formatId(newEpoch(1001), 1)).toBe(true);
  });
  it('rejects foreign ids', () => {
    for (const bad of ['', '42', 'abc', `${EPOCH}-1`, `${EPOCH}-000000000000`, ` ${EPOCH}-000000000001`]) {
      expect(parseId(bad)).toBeUndefined();
    }
  });
});

function parseAll(text: string): EventSourceMessage[] {
  const out: EventSourceMessage[] = [];
  createParser({ onEvent: (e) => out.push(e) }).feed(text);
  return out;
}

describe('framing', () => {
  it('puts each line of data on its own data: line and omits the default event type', () => {
    expect(frameEvent({ id: 'x', data: 'a\nb\r\nc\rd' })).toBe(
      'id: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n',
    );
    expect(frameEvent({ id: 'x', event: 'message', data: '' })).toBe('id: x\ndata: \n\n');
    expect(frameEvent({ event: 'reset', data: '{}' })).toBe('event: reset\ndata: {}\n\n');
  });
  it('cannot be escaped by any data: a parser gets back exactly one event with the data (newlines as LF)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 64 }),
        fc.string({ unit: 'binary', maxLength: 64 }),
        (data, before) => {
          const text = frameEvent({
            id: 'i1',
            event: 'e',
            data: `${before}\ndata: injected\n\nid: evil\n${data}`,
          });
          const events = parseAll(text);
          expect(events).toHaveLength(1);
          expect(events[0]!.id).toBe('i1');
          expect(events[0]!.event).toBe('e');
          expect(events[0]!.data).toBe(
            `${before}\ndata: injected\n\nid: evil\n${data}`.replace(/\r\n|\r/g, '\n'),
          );
        },
      ),
    );
  });
  it('refuses CR/LF in single-line fields', () => {
    expect(() => frameEvent({ id: 'a\nb', data: '' })).toThrow(/id/);
    expect(() => frameEvent({ event: 'a\rb', data: '' })).toThrow(/event/);
    expect(() => frameComment('x\ny')).toThrow(/comment/);
    expect(frameRetry(1500)).toBe('retry: 1500\n\n');
    expect(() => frameRetry(-1)).toThrow(RangeError);
  });
});

describe('resolveResume', () => {
  const window = { epoch: EPOCH, firstSeq: 11, lastSeq: 20 };
  const id = (seq: number, epoch = EPOCH) => formatId(epoch, seq);
  it('starts live without an id', () => {
    expect(resolveResume(undefined, window)).toEqual({ kind: 'live', afterSeq: 20 });
    expect(resolveResume('', window)).toEqual({ kind: 'live', afterSeq: 20 });
  });
  it('replays strictly after a known id, including the one just before the window', () => {
    expect(resolveResume(id(15), window)).toEqual({ kind: 'replay', afterSeq: 15 });
    expect(resolveResume(id(20), window)).toEqual({ kind: 'replay', afterSeq: 20 });
    expect(resolveResume(id(10), window)).toEqual({ kind: 'replay', afterSeq: 10 });
  });
  it('resets with the reason and the earliest id for malformed, unknown and expired ids', () => {
    const reset = (reason: string, requested: string) => ({
      kind: 'reset',
      afterSeq: 10,
      reason,
      requested,
      earliestId: id(11),
    });
    expect(resolveResume('garbage', window)).toEqual(reset('malformed', 'garbage'));
    expect(resolveResume(id(5, '1795331412088'), window)).toEqual(reset('unknown', id(5, '1795331412088')));
    expect(resolveResume(id(21), window)).toEqual(reset('unknown', id(21)));
    expect(resolveResume(id(9), window)).toEqual(reset('expired', id(9)));
  });
  it('reports no earliest id for an empty log', () => {
    expect(resolveResume('x', { epoch: EPOCH, firstSeq: 1, lastSeq: 0 })).toMatchObject({
      kind: 'reset',
      afterSeq: 0,
      earliestId: null,
    });
  });
});

describe('EventRing', () => {
  it('keeps the last capacity items by sequence number', () => {
    const ring = new EventRing<{ seq: number }>(3, 4);
    expect([ring.firstSeq, ring.lastSeq, ring.size]).toEqual([5, 4, 0]);
    for (let s = 5; s <= 9; s += 1) ring.push({ seq: s });
    expect([ring.firstSeq, ring.lastSeq, ring.size]).toEqual([7, 9, 3]);
    expect(ring.get(6)).toBeUndefined();
    expect(ring.get(8)).toEqual({ seq: 8 });
    expect([...ring.values()].map((v) => v.seq)).toEqual([7, 8, 9]);
    expect(() => ring.push({ seq: 11 })).toThrow(/expects sequence 10/);
  });
});

describe('topics and publish validation', () => {
  it('parses ?topics=', () => {
    expect(parseTopicsParam(null)).toEqual({ filter: null });
    expect(parseTopicsParam(' , ')).toEqual({ filter: null });
    expect(parseTopicsParam('a, b,a')).toEqual({ filter: new Set(['a', 'b']) });
    expect(parseTopicsParam('a,b c')).toEqual({ error: expect.stringContaining('"b c"') });
  });
  it('validates bodies with a reason', () => {
    expect(validatePublishBody({ data: 'x' })).toEqual({ data: 'x' });
    expect(validatePublishBody({ data: 'x', topic: 't', event: 'e' })).toEqual({
      data: 'x',
      topic: 't',
      event: 'e',
    });
    expect(validatePublishBody({})).toEqual({ error: expect.stringMatching(/data is required/) });
    expect(validatePublishBody({ data: 'x', event: 'a\r\nb' })).toEqual({
      error: 'event must not contain CR or LF',
    });
    expect(validatePublishBody({ data: 'x', id: '1' })).toEqual({
      error: expect.stringMatching(/id is assigned/),
    });
    expect(validatePublishBody({ data: 'x', extra: 1 })).toEqual({ error: 'unknown field(s): extra' });
    expect(validatePublishBody({ data: 'x', topic: 'a,b' })).toEqual({
      error: expect.stringMatching(/topic/),
    });
    expect(validatePublishBody([1])).toHaveProperty('error');
    expect(validatePublishBody(null)).toHaveProperty('error');
  });
  it('checks bearer tokens', () => {
    const digest = createHash('sha256').update('s3cret').digest();
    expect(isAuthorized('Bearer s3cret', digest)).toBe(true);
    expect(isAuthorized('bearer s3cret', digest)).toBe(true);
    expect(isAuthorized('Bearer s3cre', digest)).toBe(false);
    expect(isAuthorized('Basic s3cret', digest)).toBe(false);
    expect(isAuthorized(undefined, digest)).toBe(false);
  });
});
