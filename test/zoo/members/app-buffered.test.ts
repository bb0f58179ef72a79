/**
 * app-buffered: the app holds its event stream back (gzip without flush, or a 4 KiB userland
 * buffer), so the first bytes are late and events come in bursts; the reference sends each event
 * as it is published, compressed or not.
 */
import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { createGunzip } from 'node:zlib';
import { createParser } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptsGzip, appBuffered, USERLAND_BUFFER_BYTES } from '../../../zoo/members/app-buffered.ts';
import { createHarness, publishOk } from '../../server/helpers.ts';
import { startPair } from '../helpers.ts';

const h = createHarness();
const probes: Probe[] = [];
afterEach(async () => {
  for (const p of probes.splice(0)) p.close();
  await h.cleanup();
});

/** A client that records when the response starts and the events it can decode (gunzipping). */
interface Probe {
  headers: IncomingHttpHeaders | undefined;
  /** Raw body bytes received (before decompression). */
  bytes: number;
  events: string[];
  close(): void;
}

function probe(url: string, headers: Record<string, string>): Probe {
  const p: Probe = { headers: undefined, bytes: 0, events: [], close: () => req.destroy() };
  const req = request(new URL('/events', url), { headers }, (res) => {
    p.headers = res.headers;
    res.on('data', (c: Buffer) => (p.bytes += c.length));
    const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
    const parser = createParser({ onEvent: (e) => p.events.push(e.id!) });
    body.setEncoding('utf8').on('data', (c: string) => parser.feed(c));
    body.on('error', () => {});
  });
  req.on('error', () => {});
  req.end();
  probes.push(p);
  return p;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; !check(); i += 1) {
    if (i > 1000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Publishes events one at a time until the client has decoded one; returns what the client had
 * after each publish: whether its response had started, and how many events it had decoded.
 */
async function firstDelivery(url: string, p: Probe, data: () => string, max: number) {
  const seen: { responded: boolean; events: number; sentBytes: number }[] = [];
  let sentBytes = 0;
  for (let i = 0; i < max && p.events.length === 0; i += 1) {
    const d = data();
    const id = await publishOk(url, { data: d });
    sentBytes += Buffer.byteLength(`id: ${id}\ndata: ${d}\n\n`);
    seen.push({ responded: p.headers !== undefined, events: p.events.length, sentBytes });
  }
  await until(() => p.events.length > 0, 'the first event');
  return { seen, firstBurst: p.events.length };
}

const OPTIONS = { heartbeatMs: 3_600_000 }; // no heartbeat bytes in the buffers

describe('app-buffered', () => {
  it('without gzip: nothing at all (not even headers) until 4 KiB are pending, then a burst', async () => {
    const { member, reference } = await startPair(h, appBuffered, OPTIONS);
    const zoo = probe(member.url, {});
    const small = () => 'x'.repeat(100);
    const { seen, firstBurst } = await firstDelivery(member.url, zoo, small, 100);
    // The preamble (retry + resume point) is under 60 bytes: below the bound nothing can have left.
    for (const s of seen.filter((x) => x.sentBytes + 60 < USERLAND_BUFFER_BYTES)) {
      expect(s).toMatchObject({ responded: false, events: 0 });
    }
    expect(seen.at(-1)!.sentBytes).toBeGreaterThan(USERLAND_BUFFER_BYTES - 60);
    expect(firstBurst).toBeGreaterThanOrEqual(20); // ~140-byte events, 4 KiB at once
    expect(zoo.headers!['content-encoding']).toBeUndefined();

    const ref = probe(reference.url, {});
    await until(() => ref.headers !== undefined, 'the reference response');
    for (let i = 1; i <= 3; i += 1) {
      await publishOk(reference.url, { data: small() });
      await until(() => ref.events.length === i, `reference event ${i}`);
    }
  });

  it('with Accept-Encoding gzip: compressed without flushing, so events decode only in bursts', async () => {
    const { member, reference } = await startPair(h, appBuffered, OPTIONS);
    const headers = { 'Accept-Encoding': 'gzip, deflate, br' };
    const zoo = probe(member.url, headers);
    const incompressible = () => randomBytes(768).toString('base64'); // 1 KiB of text
    const { seen, firstBurst } = await firstDelivery(member.url, zoo, incompressible, 200);
    await until(() => zoo.headers !== undefined, 'the response');
    expect(zoo.headers!['content-encoding']).toBe('gzip');
    expect(seen.filter((s) => s.events === 0).length).toBeGreaterThanOrEqual(4);
    expect(firstBurst).toBeGreaterThanOrEqual(4);

    const ref = probe(reference.url, headers);
    await until(() => ref.headers !== undefined, 'the reference response');
    expect(ref.headers!['content-encoding']).toBeUndefined();
    for (let i = 1; i <= 3; i += 1) {
      await publishOk(reference.url, { data: incompressible() });
      await until(() => ref.events.length === i, `reference event ${i}`);
    }
  });

  it('reads Accept-Encoding like compression middleware does', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('br, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0, br')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
