/**
 * ids-restart: a restart (a new process = a new server on a fresh memory log) numbers events from 1
 * again, and a client holding an old id silently skips the new events up to it. The reference
 * server's old ids are from another epoch: an explicit reset, then every new event.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SseServer, SseServerOptions } from '../../../server/app.ts';
import { createSseServer } from '../../../server/app.ts';
import { idsRestart } from '../../../zoo/members/ids-restart.ts';
import { createHarness, publishOk } from '../../server/helpers.ts';
import { publishSeries, untilMarker } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

/** Three events on one process, then a restart; a client resumes with the last id it had. */
async function resumeAcrossRestart(build: (o: SseServerOptions) => SseServer) {
  const before = await h.start({}, build);
  const old = await publishSeries(before.url, 3, 'old');
  await before.server.close();
  const after = await h.start({}, build);
  const s = await h.stream(after.url, '/events', { 'Last-Event-ID': old.at(-1)! });
  await s.waitFor((x) => x.items.length > 0, 5000, 'the retry hint');
  const fresh = await publishSeries(after.url, 5, 'new');
  return { old, fresh, received: await untilMarker(after.url, s) };
}

describe('ids-restart', () => {
  it('counts from 1 in each process, and an old id beyond the head skips new events silently', async () => {
    const zoo = await resumeAcrossRestart(idsRestart.build);
    expect(zoo.old).toEqual(['1', '2', '3']);
    expect(zoo.fresh).toEqual(['1', '2', '3', '4', '5']);
    // No reset, no replay: the new events 1..3 are skipped as if the client had them.
    expect(zoo.received.map((e) => [e.id, e.data])).toEqual([
      ['4', 'new4'],
      ['5', 'new5'],
    ]);

    const ref = await resumeAcrossRestart(createSseServer);
    expect(ref.received[0]).toMatchObject({ event: 'reset' });
    expect(JSON.parse(ref.received[0]!.data)).toMatchObject({ reason: 'unknown', requested: ref.old.at(-1) });
    expect(ref.received.slice(1).map((e) => e.id)).toEqual(ref.fresh);
  });

  it('otherwise resumes like the reference: replay after a known id, resume point, explicit resets', async () => {
    const { url } = await h.start({ logRetention: 3 }, idsRestart.build);
    await publishSeries(url, 4); // ids 1-4; 2-4 retained
    const open = (id?: string) => h.stream(url, '/events', id === undefined ? {} : { 'Last-Event-ID': id });
    const [resumed, fresh, malformed, expired] = await Promise.all([
      open('2'),
      open(),
      open('x1'),
      open('0'),
    ]);
    const marker = await publishOk(url, { topic: 'marker', data: 'marker' });
    const streams = [resumed!, fresh!, malformed!, expired!];
    await Promise.all(streams.map((s) => s.waitFor((x) => x.events.some((e) => e.id === marker))));
    const before = streams.map((s) => s.events.filter((e) => e.id !== marker));

    expect(before[0]!.map((e) => e.id)).toEqual(['3', '4']);
    expect(fresh!.raw).toMatch(/^retry: \d+\n\nid: 4\n\n/);
    for (const [i, requested, reason] of [
      [2, 'x1', 'malformed'],
      [3, '0', 'expired'],
    ] as const) {
      const [reset, ...rest] = before[i]!;
      expect(JSON.parse(reset!.data)).toEqual({ reason, earliestId: '2', requested });
      expect(rest.map((e) => e.id)).toEqual(['2', '3', '4']);
    }
  });
});
