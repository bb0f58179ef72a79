/** fixed-retry: every stream and every shutdown hint carries the bare base; the reference spreads them. */
import { afterEach, describe, expect, it } from 'vitest';
import { fixedRetry } from '../../../zoo/members/fixed-retry.ts';
import { createHarness, type TestStream } from '../../server/helpers.ts';
import { startPair, type Started } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

const retries = (s: TestStream) => s.items.flatMap((i) => (i.kind === 'retry' ? [i.ms] : []));

/** Opens 6 streams, then shuts the server down: the hints at connect and at shutdown. */
async function hints({ url, server }: Started): Promise<{ connect: number[]; shutdown: number[] }> {
  const streams = await Promise.all([...Array(6).keys()].map(() => h.stream(url)));
  await Promise.all(streams.map((s) => s.waitFor((x) => x.items.length > 0, 5000, 'the retry hint')));
  await server.close();
  await Promise.all(streams.map((s) => s.ended));
  return { connect: streams.map((s) => retries(s)[0]!), shutdown: streams.map((s) => retries(s)[1]!) };
}

describe('fixed-retry', () => {
  it('sends exactly --retry-ms to every stream, on connect and at shutdown', async () => {
    const options = { retryMs: 1000, retryJitterMs: 1000, shutdownJitterMs: 2000 };
    const { member, reference } = await startPair(h, fixedRetry, options);

    const zoo = await hints(member);
    expect(zoo.connect).toEqual(Array(6).fill(1000));
    expect(zoo.shutdown).toEqual(Array(6).fill(1000));

    // 6 draws from 1001 (and 2001) values: all equal would mean no jitter at all.
    const ref = await hints(reference);
    expect(new Set(ref.connect).size).toBeGreaterThan(1);
    expect(new Set(ref.shutdown).size).toBeGreaterThan(1);
    for (const ms of ref.connect) expect(ms >= 1000 && ms <= 2000).toBe(true);
    for (const ms of ref.shutdown) expect(ms >= 1000 && ms <= 3000).toBe(true);
  });
});
