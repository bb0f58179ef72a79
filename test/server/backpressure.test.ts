/** A reader that stops reading is cut; a fast reader on the same server keeps receiving on time. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { createHarness, metricValue, publishOk, stalledReader } from './helpers.ts';

const h = createHarness();
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h.cleanup();
});

describe('backpressure', () => {
  it('cuts a stalled reader at the queue bound and keeps a fast reader on time', async () => {
    const queueBytes = 256 * 1024;
    const { url, server, logger } = await h.start({ clientQueueBytes: queueBytes, maxBodyBytes: 128 * 1024 });
    const fast = await h.stream(url);
    const slow = await stalledReader(url);
    sockets.push(slow.socket);
    await fast.waitFor((x) => x.items.length > 0);
    // Wait until the server has the stalled stream registered.
    for (let i = 0; server.openStreams < 2 && i < 500; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(server.openStreams).toBe(2);

    const data = 'x'.repeat(64 * 1024);
    let published = 0;
    // Kernel socket buffers absorb a few MB before Node starts queueing; 40 MB is far more than
    // enough on any machine, and the loop stops as soon as the stalled reader is cut.
    while ((await metricValue(url, 'sse_slow_client_disconnects_total')) === 0) {
      expect(published, 'the stalled reader was never cut').toBeLessThan(640);
      const id = await publishOk(url, { data: `${published}:${data}` });
      published += 1;
      // The fast reader gets every event while the other stream is stalled (generous bound: the
      // point is that it is not held back until the slow one is cut).
      await fast.waitFor((x) => x.events.at(-1)?.id === id, 10_000, `event ${id} on the fast reader`);
    }
    expect(fast.events.map((e) => Number(e.data.split(':')[0]))).toEqual([...Array(published).keys()]);
    const cut = logger.records.find((r) => r.msg === 'slow client cut')!;
    expect(cut).toBeDefined();
    // Bounded: what was waiting for the client never exceeded the bound by more than one event.
    expect((cut.queuedBytes as number) + (cut.bufferedBytes as number)).toBeLessThanOrEqual(
      queueBytes + 70 * 1024,
    );
    slow.socket.resume();
    await slow.closed;
    expect(server.openStreams).toBe(1);
    expect(await metricValue(url, 'sse_connections_closed_total', '{reason="slow-client"}')).toBe(1);
    // And the fast reader is still live.
    const after = await publishOk(url, { data: 'after' });
    await fast.waitFor((x) => x.events.at(-1)?.id === after, 10_000, 'the event after the cut');
  });
});
