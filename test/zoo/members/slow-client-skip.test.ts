/**
 * slow-client-skip: a client whose socket backs up silently loses live events and keeps streaming;
 * the reference queues them (within --client-queue-bytes) and delivers every one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { slowClientSkip } from '../../../zoo/members/slow-client-skip.ts';
import { createHarness, metricValue, publishOk } from '../../server/helpers.ts';
import { startPair, type Started } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

const EVENT_BYTES = 64 * 1024;

/**
 * A client stops reading; events are published until the server reports one it could not write at
 * once (its socket is backed up: sse_events_written_total falls behind the published count), and a
 * few more. Then the client reads again and a marker ends the observation.
 */
async function stallThenRead({ url }: Started) {
  const s = await h.stream(url);
  await s.waitFor((x) => x.items.length > 0, 5000, 'the retry hint');
  s.req.socket!.pause();
  const pad = 'x'.repeat(EVENT_BYTES);
  let published = 0;
  let extra = 0;
  while (extra < 5) {
    expect(published, 'the socket never backed up').toBeLessThan(1000);
    await publishOk(url, { data: `${published}:${pad}` });
    published += 1;
    const written = await metricValue(url, 'sse_events_written_total');
    if (written < published) extra += 1;
  }
  s.req.socket!.resume();
  // Until the socket has drained, the member drops markers too: publish them until one arrives.
  let marker = '';
  for (let i = 0; !s.events.some((e) => e.id === marker); i += 1) {
    expect(i, 'no marker arrived after the client read again').toBeLessThan(50);
    marker = await publishOk(url, { topic: 'marker', data: 'marker' });
    await s.waitFor((x) => x.events.some((e) => e.id === marker), 500, 'the marker').catch(() => {});
  }
  const received = s.events.filter((e) => e.event !== 'reset' && !e.data.startsWith('marker'));
  return {
    published,
    received: received.map((e) => Number(e.data.split(':')[0])),
    resets: s.events.filter((e) => e.event === 'reset').length,
    cut: await metricValue(url, 'sse_slow_client_disconnects_total'),
    ended: s.isEnded,
  };
}

describe('slow-client-skip', () => {
  it('drops live events while the socket is backed up and streams on; the reference delivers all', async () => {
    const options = { clientQueueBytes: 256 * 1024 * 1024, maxBodyBytes: 1024 * 1024 };
    const { member, reference } = await startPair(h, slowClientSkip, options);

    const zoo = await stallThenRead(member);
    expect(zoo.received.length).toBeLessThan(zoo.published);
    expect(zoo.received.length).toBeGreaterThan(0);
    // What fit in the buffers got through; everything after it was dropped, and the stream went
    // on (the marker arrived) with no reset and no cut: a silent gap.
    expect(zoo.received).toEqual([...Array(zoo.received.length).keys()]);
    expect([zoo.resets, zoo.cut, zoo.ended]).toEqual([0, 0, false]);

    const ref = await stallThenRead(reference);
    expect(ref.received).toEqual([...Array(ref.published).keys()]);
    expect([ref.resets, ref.cut, ref.ended]).toEqual([0, 0, false]);
  });
});
