/** no-heartbeat: an idle stream carries no comment at all; the reference's carries one per interval. */
import { afterEach, describe, expect, it } from 'vitest';
import { noHeartbeat } from '../../../zoo/members/no-heartbeat.ts';
import { createHarness, publishOk } from '../../server/helpers.ts';
import { startPair } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

const comments = (items: { kind: string }[]) => items.filter((i) => i.kind === 'comment').length;

describe('no-heartbeat', () => {
  it('sends no heartbeat while the reference sends several in the same time, and still sends events', async () => {
    const { member, reference } = await startPair(h, noHeartbeat, { heartbeatMs: 50 });
    const zoo = await h.stream(member.url);
    const ref = await h.stream(reference.url);
    await zoo.waitFor((x) => x.items.length > 0, 5000, 'the retry hint');
    // The member's stream was opened first, so it has been idle at least as long.
    await ref.waitFor((x) => comments(x.items) >= 5, 10_000, 'five reference heartbeats');
    expect(comments(zoo.items)).toBe(0);

    const id = await publishOk(member.url, { data: 'still streaming' });
    await zoo.waitFor((x) => x.events.some((e) => e.id === id), 5000, 'the event');
    expect(comments(zoo.items)).toBe(0);
    expect(zoo.isEnded).toBe(false);
  });
});
