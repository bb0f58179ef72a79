/** The fleet on real sockets: ramp, profile mix, lanes, topics, live counters and a clean stop. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleet, laneOf, profileOf } from '../../harness/client/fleet.ts';
import { createRunClock } from '../../harness/history/clock.ts';
import { History } from '../../harness/history/store.ts';
import { startFixtureServer, type FixtureServer } from './fixtures/sse-fixture-server.ts';
import { waitFor } from './wait.ts';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
});

describe('assignment rules', () => {
  it('interleaves profiles evenly and puts the first ceil(f*N) subscribers on edge-b', () => {
    const profiles = Array.from({ length: 10 }, (_, i) => profileOf(i, 0.3));
    expect(profiles.filter((p) => p === 'browser')).toHaveLength(3);
    expect(profiles.slice(0, 4)).toEqual(['backoff', 'backoff', 'backoff', 'browser']);
    expect(Array.from({ length: 10 }, (_, i) => laneOf(i, 10, 0.25))).toEqual([
      ...Array(3).fill('edge-b'),
      ...Array(7).fill('edge'),
    ]);
    expect(profileOf(5, 1)).toBe('browser');
    expect(profileOf(5, 0)).toBe('backoff');
  });
});

describe('fleet', () => {
  it('ramps N subscribers in, streams to all, counts live, and stops cleanly', async () => {
    const h = new History();
    const before = server.requests.length;
    const fleet = createFleet({
      size: 20,
      url: `${server.url}/sse?interval=20&hb=20`,
      urlB: `${server.url}/sse?interval=20&hb=20&lane=b`,
      laneBFraction: 0.25,
      browserFraction: 0.5,
      rampMs: 300,
      topics: (i) => [i % 2 ? 'odd' : 'even'],
      history: h,
      clock: createRunClock(),
      seed: 7,
      // The watchdog is tested elsewhere; here it must never fire, even on a loaded machine.
      heartbeatMs: 20,
      stallMultiple: 500,
    });
    try {
      await fleet.start();
      expect(fleet.counters.started).toBe(20);
      await waitFor('all connected', () => fleet.counters.connected === 20);
      await waitFor(
        'events for everyone',
        () => new Set([...h.ofKind('event')].map((e) => e.sub)).size === 20,
      );
      expect(fleet.counters.events).toBe(h.count('event'));
      expect(fleet.counters.heartbeats).toBe(h.count('heartbeat'));

      const subs = [...h.ofKind('subscriber')];
      expect(subs.map((s) => s.sub)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(subs.filter((s) => s.lane === 'edge-b').map((s) => s.sub)).toEqual([0, 1, 2, 3, 4]);
      expect(subs.filter((s) => s.profile === 'browser')).toHaveLength(10);
      expect(subs[3].topics).toEqual(['odd']);
      // The ramp spreads connects over time instead of starting all at once.
      expect(subs[19].t - subs[0].t).toBeGreaterThan(150);

      const reqs = server.requests.slice(before).filter((r) => r.path.startsWith('/sse?interval=20&hb=20'));
      expect(reqs.filter((r) => r.path.includes('lane=b'))).toHaveLength(5);
      expect(reqs.filter((r) => r.path.includes('topics=odd'))).toHaveLength(10);
    } finally {
      await fleet.stop();
    }
    expect(fleet.counters.connected).toBe(0);
    expect(h.count('unsubscribe')).toBe(20);
    expect([...h.ofKind('close')].every((c) => c.reason === 'aborted')).toBe(true);
    await waitFor('server saw every stream close', () => server.open === 0);
  });

  it('stop() during the ramp resolves and starts nobody else', async () => {
    const h = new History();
    const fleet = createFleet({
      size: 50,
      url: `${server.url}/sse?interval=50`,
      rampMs: 10_000,
      history: h,
      clock: createRunClock(),
    });
    const started = fleet.start();
    await waitFor('a few started', () => fleet.counters.started >= 2);
    await fleet.stop();
    await started;
    const n = fleet.counters.started;
    expect(n).toBeLessThan(50);
    expect(h.count('unsubscribe')).toBe(n);
    await new Promise((r) => setTimeout(r, 100));
    expect(fleet.counters.started).toBe(n);
  });
});
