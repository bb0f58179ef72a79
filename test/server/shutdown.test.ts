/** Graceful shutdown, in-process: readiness, refusals, in-flight publishes, spread retry hints. */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { createHarness, publish, stalledReader } from './helpers.ts';

const h = createHarness();
const cleanups: (() => void)[] = [];
const onCleanup = (fn: () => void) => cleanups.push(fn);
afterEach(async () => {
  for (const fn of cleanups.splice(0)) fn();
  await h.cleanup();
});

describe('close()', () => {
  it('refuses new work, acknowledges in-flight publishes, then ends each stream with its own retry hint', async () => {
    let n = 0;
    const random = () => (n++ % 10) / 10; // distinct draws, so distinct hints
    const { url, server, logger } = await h.start({
      retryMs: 1000,
      retryJitterMs: 0,
      shutdownJitterMs: 1000,
      random,
    });
    const streams = await Promise.all([1, 2, 3, 4].map(() => h.stream(url)));
    await Promise.all(streams.map((s) => s.waitFor((x) => x.items.length > 0)));

    // A publish still sending its body when shutdown begins.
    const body = JSON.stringify({ data: 'in flight' });
    const req = request(`${url}/publish`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
    });
    const ack = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 5));
    await new Promise((r) => setTimeout(r, 100));

    const closed = server.close();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });
    expect((await fetch(`${url}/events`)).status).toBe(503);
    expect((await publish(url, { data: 'too late' })).status).toBe(503);
    expect(streams.every((s) => !s.isEnded)).toBe(true);

    req.end(body.slice(5));
    const { status, text } = await ack;
    expect(status).toBe(200);
    const { id } = JSON.parse(text) as { id: string };
    await closed;

    const hints = new Set<number>();
    for (const s of streams) {
      await s.ended;
      expect(s.events.map((e) => e.id)).toEqual([id]);
      const last = s.items.at(-1)!;
      expect(last.kind).toBe('retry');
      if (last.kind === 'retry') hints.add(last.ms);
    }
    expect(hints.size).toBe(4);
    for (const ms of hints) expect(ms >= 1000 && ms <= 2000).toBe(true);
    expect(server.eventLog.get(1)?.id).toBe(id);
    expect(logger.records.filter((r) => r.msg === 'stream close').map((r) => r.reason)).toEqual(
      Array(4).fill('shutdown'),
    );
    expect(logger.records.at(-1)).toMatchObject({ msg: 'shutdown complete' });
  });

  it('cuts streams whose client stopped reading when the grace period runs out', async () => {
    const { url, server, logger } = await h.start({
      graceMs: 400,
      clientQueueBytes: 64 * 1024 * 1024,
      maxBodyBytes: 1024 * 1024,
    });
    const { socket } = await stalledReader(url);
    onCleanup(() => socket.destroy());
    for (let i = 0; server.openStreams < 1 && i < 500; i += 1) await new Promise((r) => setTimeout(r, 10));
    // Fill the socket so the graceful end cannot complete.
    for (let i = 0; i < 40; i += 1) await publish(url, { data: 'z'.repeat(512 * 1024) });
    await server.close();
    expect(server.openStreams).toBe(0);
    expect(logger.records.some((r) => r.msg === 'grace deadline: cutting streams that did not finish')).toBe(
      true,
    );
  });
});
