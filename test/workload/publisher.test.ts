/**
 * The workload against a real HTTP endpoint on loopback: steady schedule without drift, `publish`
 * on acknowledgement, `publish-error` otherwise, payloads the subscribers can decode.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePayload } from '../../harness/history/payload.ts';
import type { HistoryRecord } from '../../harness/history/records.ts';
import { publisherFor } from '../../harness/run/publish-client.ts';
import { startWorkload } from '../../harness/workload/publisher.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A publish endpoint that acks with ids; request number `slowIndex` answers after `slowMs`. */
async function ackServer(opts: { slowIndex?: number; slowMs?: number; failIndex?: number } = {}) {
  const bodies: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const i = bodies.push(body) - 1;
      const answer = () => {
        if (i === opts.failIndex) {
          res.writeHead(503).end('busy');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `id-${i}` }));
      };
      if (i === opts.slowIndex) setTimeout(answer, opts.slowMs ?? 0);
      else answer();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, bodies };
}

describe('workload', () => {
  it('publishes on a steady schedule, catches up after a slow publish, records acks and failures', async () => {
    const { url, bodies } = await ackServer({ slowIndex: 3, slowMs: 600, failIndex: 6 });
    const records: HistoryRecord[] = [];
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const w = startWorkload({
      ratePerSec: 20,
      durationMs: 1000,
      payloadBytes: 120,
      topics: ['a', 'b'],
      publish: publisherFor({ kind: 'reference', options: {} }, url),
      record: (r) => records.push(r),
      now,
    });
    const stats = await w.done;
    expect(stats).toEqual({ published: 20, acknowledged: 19, failed: 1 });
    const pubs = records.filter((r) => r.kind === 'publish');
    expect(pubs.map((p) => p.seq)).toEqual([
      1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ]);
    expect(pubs[0]).toMatchObject({ topic: 'a', id: 'id-0' });
    expect(pubs[1]).toMatchObject({ topic: 'b', id: 'id-1' });
    const err = records.find((r) => r.kind === 'publish-error');
    expect(err).toMatchObject({ seq: 7, error: expect.stringContaining('HTTP 503') });
    // No drift: the last publish goes out on its slot (950 ms), not 600 ms late as accumulated lateness would.
    const start = records.find((r) => r.kind === 'phase' && r.phase === 'workload-start')!.t;
    const last = pubs.at(-1)!;
    expect(last.sentAt - start).toBeGreaterThanOrEqual(949);
    expect(last.sentAt - start).toBeLessThan(950 + 500);
    // Payloads decode to seq, publish time and topic, padded to the requested size.
    const body = JSON.parse(bodies[4]!) as { topic: string; data: string };
    expect(body.topic).toBe('a');
    expect(body.data.length).toBeGreaterThanOrEqual(110);
    expect(decodePayload(body.data)).toMatchObject({ seq: 5, topic: 'a' });
    expect(records.at(-1)).toMatchObject({ kind: 'phase', phase: 'workload-end' });
  });

  it('records every publish to a dead target as publish-error and never retries', async () => {
    const { url } = await ackServer();
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const records: HistoryRecord[] = [];
    const w = startWorkload({
      ratePerSec: 50,
      durationMs: 200,
      payloadBytes: 0,
      topics: ['a'],
      publish: publisherFor({ kind: 'reference', options: {} }, url),
      record: (r) => records.push(r),
      now: () => performance.now(),
    });
    const stats = await w.done;
    expect(stats).toEqual({ published: 10, acknowledged: 0, failed: 10 });
    expect(records.filter((r) => r.kind === 'publish-error').map((r) => r.seq)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('stop() ends the run early and still records workload-end', async () => {
    const { url } = await ackServer();
    const records: HistoryRecord[] = [];
    const w = startWorkload({
      ratePerSec: 10,
      durationMs: 60_000,
      payloadBytes: 0,
      topics: ['a'],
      publish: publisherFor({ kind: 'reference', options: {} }, url),
      record: (r) => records.push(r),
      now: () => performance.now(),
    });
    await new Promise((r) => setTimeout(r, 250));
    w.stop();
    const stats = await w.done;
    expect(stats.published).toBeGreaterThan(0);
    expect(stats.published).toBeLessThan(20);
    expect(records.at(-1)).toMatchObject({ kind: 'phase', phase: 'workload-end' });
  });
  it('publishes only its slots of a shared schedule: shard 1 of 3 takes seqs 2, 5, 8', async () => {
    const sent: { seq: number; topic: string }[] = [];
    const records: HistoryRecord[] = [];
    const t0 = performance.now();
    const w = startWorkload({
      ratePerSec: 50,
      durationMs: 200,
      payloadBytes: 0,
      topics: ['a', 'b'],
      slots: { index: 1, of: 3 },
      publish: async (req) => {
        const p = decodePayload(req.data)!;
        sent.push({ seq: p.seq, topic: p.topic });
        return `id-${p.seq}`;
      },
      record: (r) => records.push(r),
      now: () => performance.now() - t0,
    });
    const stats = await w.done;
    // The schedule has 10 slots (seq 1..10, topics alternating); every third from the second is ours.
    expect(sent).toEqual([
      { seq: 2, topic: 'b' },
      { seq: 5, topic: 'a' },
      { seq: 8, topic: 'b' },
    ]);
    expect(stats).toEqual({ published: 3, acknowledged: 3, failed: 0 });
    expect(() =>
      startWorkload({
        ratePerSec: 1,
        durationMs: 1,
        payloadBytes: 0,
        topics: ['a'],
        slots: { index: 3, of: 3 },
        publish: async () => 'x',
        record: () => {},
        now: () => 0,
      }),
    ).toThrow('slots: expected 0 <= index < of, got 3 of 3');
  });
});
