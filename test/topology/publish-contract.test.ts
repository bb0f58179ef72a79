/** Every publish contract: ids the harness makes, bodies (JSON, array, form, text), and each ack. */
import { describe, expect, it } from 'vitest';
import { TopologyConfigError } from '../../harness/topology/errors.ts';
import { ackOf, idMaker, readAck, wantsId } from '../../harness/topology/publish-contract.ts';
import { buildPublishRequest, parseTarget, targetEndpoints } from '../../harness/topology/target.ts';

const target = (publish: Record<string, unknown>) =>
  parseTarget({
    kind: 'url',
    baseUrl: 'http://127.0.0.1:9',
    streamPath: '/e',
    publish: { path: '/p', ...publish },
  });
const answer = (text: string, status = 200, headers: Record<string, string> = {}) => ({
  status,
  text,
  headers: new Headers(headers),
});

describe('harness-made ids', () => {
  it('formats {{uuid}}, {{seq}} and {{time}} around fixed text; every id differs', () => {
    const seq = idMaker('evt-{{seq}}');
    expect([seq(), seq(), seq()]).toEqual(['evt-1', 'evt-2', 'evt-3']);
    let n = 0;
    const uuid = idMaker('{{uuid}}', () => `u${++n}`);
    expect([uuid(), uuid()]).toEqual(['u1', 'u2']);
    expect(idMaker('t{{time}}-{{seq}}')()).toMatch(/^t\d{13}-1$/);
  });

  it('is only made when the template or a header asks for {{id}}', () => {
    expect(wantsId(targetEndpoints(target({})).publish)).toBe(false);
    expect(wantsId(targetEndpoints(target({ headers: { 'Idempotency-Key': '{{id}}' } })).publish)).toBe(true);
  });

  it('needs {{uuid}} or {{seq}} in its format, so ids never repeat', () => {
    expect(() => target({ bodyTemplate: { id: '{{id}}' }, idFormat: 'fixed' })).toThrow(
      /must contain \{\{uuid\}\} or \{\{seq\}\}/,
    );
  });
});

describe('publish bodies', () => {
  const msg = { topic: 'orders', data: 'a "quoted" & spaced', id: 'evt-7' };

  it('sends an array of items as JSON', () => {
    const t = target({ bodyTemplate: [{ channel: '{{topic}}', id: '{{id}}', payload: '{{data}}' }] });
    const r = buildPublishRequest(t, 'http://h', msg);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual([{ channel: 'orders', id: 'evt-7', payload: msg.data }]);
  });

  it('sends a form post from an object template, non-string fields as JSON', () => {
    const t = target({
      encoding: 'form',
      bodyTemplate: { channel: '{{topic}}', 'msg-id': '{{id}}', data: '{{data}}', n: 1 },
    });
    const r = buildPublishRequest(t, 'http://h', msg);
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(r.body))).toEqual({
      channel: 'orders',
      'msg-id': 'evt-7',
      data: msg.data,
      n: '1',
    });
  });

  it('sends a string template as text, with {{id}} in headers too', () => {
    const t = target({ bodyTemplate: '{{topic}} {{data}}', headers: { 'X-Msg-Id': '{{id}}' } });
    const r = buildPublishRequest(t, 'http://h', msg);
    expect(r.body).toBe(`orders ${msg.data}`);
    expect(r.headers['x-msg-id']).toBe('evt-7');
    expect(r.headers['content-type']).toBeUndefined();
  });

  it('refuses a form of a non-object and a text of a non-string, naming the field', () => {
    expect(() => target({ encoding: 'form', bodyTemplate: ['x'] })).toThrow(
      /object bodyTemplate[\s\S]*at publish\.encoding/,
    );
    expect(() => target({ encoding: 'text', bodyTemplate: { a: 1 } })).toThrow(
      /string bodyTemplate[\s\S]*at publish\.encoding/,
    );
  });
});

describe('acknowledgements', () => {
  it('reads a JSON path (idPath is its short form)', () => {
    expect(ackOf(targetEndpoints(target({ idPath: 'r.id' })).publish)).toEqual({
      from: 'json',
      path: 'r.id',
    });
    expect(readAck(target({ idPath: 'items.0.id' }), answer('{"items":[{"id":42}]}'), undefined)).toBe('42');
    expect(() => readAck(target({}), answer('OK'), undefined)).toThrow(
      /not JSON \(the ack is read at "id"\): OK/,
    );
  });

  it('reads a text body with a regex: its first group, else the whole match', () => {
    const t = target({ ack: { from: 'text', regex: 'queued as ([\\w-]+)' } });
    expect(readAck(t, answer('250 ok: queued as 9f-2a\n'), undefined)).toBe('9f-2a');
    expect(readAck(target({ ack: { from: 'text', regex: '\\d+' } }), answer('id 77'), undefined)).toBe('77');
    expect(() => readAck(t, answer('rejected'), undefined)).toThrow(/does not match \/queued as/);
    expect(() => target({ ack: { from: 'text', regex: '(' } })).toThrow(/not a valid regular expression/);
  });

  it('reads a header', () => {
    const t = target({ ack: { from: 'header', name: 'X-Event-Id' } });
    expect(readAck(t, answer('', 201, { 'x-event-id': 'e-1' }), undefined)).toBe('e-1');
    expect(() => readAck(t, answer('', 201), undefined)).toThrow(/no "X-Event-Id" header \(HTTP 201\)/);
  });

  it('takes the status alone as the ack of an id of ours, and refuses it without {{id}}', () => {
    const t = target({ ack: { from: 'status' }, bodyTemplate: { id: '{{id}}', data: '{{data}}' } });
    expect(readAck(t, answer('', 202), 'evt-3')).toBe('evt-3');
    expect(() => target({ ack: { from: 'status' } })).toThrow(/status alone needs an id of ours/);
    expect(() => readAck(t, answer('', 204), undefined)).toThrow(TopologyConfigError);
  });
});
