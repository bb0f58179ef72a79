/**
 * The `seed` option (what a fleet passes instead of a generator per subscriber): its lazily made
 * generator draws exactly the delays `random: seededRandom(seed)` would, so runs stay reproducible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunClock } from '../../harness/history/clock.ts';
import { History } from '../../harness/history/store.ts';
import { createStreamAgent } from '../../harness/client/fleet.ts';
import { seededRandom } from '../../harness/client/random.ts';
import { createSubscriber, type SubscriberOptions } from '../../harness/client/subscriber.ts';
import { startFixtureServer, type FixtureServer } from './fixtures/sse-fixture-server.ts';
import { waitFor } from './wait.ts';

let server: FixtureServer;
const agent = createStreamAgent();

beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await agent.destroy();
  await server.close();
});

describe('subscriber seed option', () => {
  it('draws the same backoff delays as random: seededRandom(seed), and differs for another seed', async () => {
    const backoff = { baseMs: 10, capMs: 40, resetAfterMs: 10_000 };
    const start = (o: Partial<SubscriberOptions>) => {
      const h = new History();
      const s = createSubscriber({
        sub: 1,
        url: `${server.url}/status?code=500`,
        profile: 'backoff',
        history: h,
        clock: createRunClock(),
        dispatcher: agent,
        backoff,
        ...o,
      });
      s.start();
      return { h, s };
    };
    const runs = [start({ seed: 42 }), start({ random: seededRandom(42) }), start({ seed: 43 })];
    try {
      await waitFor('8 waits each', () => runs.every((r) => r.h.count('reconnect-wait') >= 8));
    } finally {
      await Promise.all(runs.map((r) => r.s.stop()));
    }
    const delays = runs.map((r) => [...r.h.ofKind('reconnect-wait')].slice(0, 8).map((w) => w.delayMs));
    expect(delays[0]).toEqual(delays[1]);
    expect(delays[2]).not.toEqual(delays[0]);
  });
});
