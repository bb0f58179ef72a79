/**
 * A fleet split over processes: each slice in its own Node process, its records in the runner's
 * History on the runner's clock, subscriber for subscriber what one fleet would have been, and no
 * process left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { laneOf, profileOf } from '../../harness/client/fleet.ts';
import { sliceSpec, startFleetPool } from '../../harness/client/fleet-pool.ts';
import type { FleetSpec } from '../../harness/client/fleet-spec.ts';
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

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function spec(size: number): FleetSpec {
  return {
    size,
    firstSub: 0,
    fleetSize: size,
    url: [`${server.url}/sse?interval=30&hb=30&lane=a`],
    urlB: [`${server.url}/sse?interval=30&hb=30&lane=b`],
    laneBFraction: 1 / 3,
    rampMs: 300,
    browserFraction: 0.5,
    topics: ['main'],
    topicsB: ['fraction'],
    seed: 3,
    run: 'pooltest',
    stallAfterMs: 60_000, // never fires here: the watchdog is tested elsewhere
  };
}

describe('sliceSpec', () => {
  it('cuts contiguous slices that cover the fleet once, the first ones larger', () => {
    const whole = spec(10);
    const slices = [0, 1, 2].map((k) => sliceSpec(whole, k, 3));
    expect(slices.map((s) => [s.firstSub, s.size])).toEqual([
      [0, 4],
      [4, 3],
      [7, 3],
    ]);
    expect(slices.every((s) => s.fleetSize === 10)).toBe(true);
    const shard = { ...whole, firstSub: 100, size: 5, fleetSize: 200 };
    expect([0, 1].map((k) => sliceSpec(shard, k, 2)).map((s) => [s.firstSub, s.size])).toEqual([
      [100, 3],
      [103, 2],
    ]);
  });
});

describe('startFleetPool', () => {
  it('runs the slices in their own processes and records everything on the runner clock', async () => {
    const history = new History();
    const clock = createRunClock();
    const pool = await startFleetPool({ spec: spec(30), processes: 2, history, clock, flushMs: 50 });
    const pids = pool.pids();
    try {
      expect(pids).toHaveLength(2);
      expect(pids).not.toContain(process.pid);
      const before = pool.clockChecks[0]!;
      // The reply's time lies between send and receive when both processes read one clock.
      expect(before.maxOffsetMs).toBeLessThanOrEqual(before.maxBoundMs + 0.01);
      const t0 = clock.now();
      await pool.start();
      await waitFor('all connected', () => pool.counters.connected === 30, 20_000);
      await waitFor(
        'events for every subscriber',
        () => new Set([...history.ofKind('event')].map((e) => e.sub)).size === 30,
        20_000,
      );
      const t1 = clock.now();
      // Subscriber for subscriber what one fleet of 30 would have been.
      const subs = [...history.ofKind('subscriber')].sort((a, b) => a.sub - b.sub);
      expect(subs.map((s) => s.sub)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      for (const s of subs) {
        expect(s.lane).toBe(laneOf(s.sub, 30, 1 / 3));
        expect(s.profile).toBe(profileOf(s.sub, 0.5));
        expect(s.topics).toEqual(s.lane === 'edge-b' ? ['fraction'] : ['main']);
      }
      const lanes = server.requests.filter((r) => r.path.includes('lane=b')).length;
      expect(lanes).toBeGreaterThanOrEqual(10);
      for (const e of history.ofKind('event')) {
        expect(e.t).toBeGreaterThanOrEqual(t0);
        expect(e.t).toBeLessThanOrEqual(t1 + 1000);
      }
      expect(pool.counters.events).toBeGreaterThanOrEqual(30);
      expect(pool.problem()).toBeUndefined();
    } finally {
      await pool.stop();
    }
    expect([...history.ofKind('unsubscribe')]).toHaveLength(30);
    expect(pool.clockChecks).toHaveLength(2); // before the ramp and after the fleet stopped
    const after = pool.clockChecks[1]!;
    expect(after.maxOffsetMs).toBeLessThanOrEqual(after.maxBoundMs + 0.01);
    expect(pids.filter(alive)).toEqual([]);
    await waitFor('streams closed at the server', () => server.open === 0);
  });

  it('reports a fleet process that died, and still stops the rest', async () => {
    const history = new History();
    const pool = await startFleetPool({ spec: spec(6), processes: 2, history, clock: createRunClock() });
    const [victim, survivor] = pool.pids();
    try {
      await pool.start();
      process.kill(victim!, 'SIGKILL');
      await waitFor('the death is noticed', () => pool.problem() !== undefined);
      expect(pool.problem()).toContain(`fleet process ${victim} exited early`);
    } finally {
      await pool.stop();
    }
    expect(alive(survivor!)).toBe(false);
  });
});
