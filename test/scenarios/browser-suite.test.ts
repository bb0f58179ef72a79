/**
 * The real-browser scenarios on the real stack: the HTTP/1.1 connection cap is caught by its
 * detector (a self-test), HTTP/2 removes it, and a cut of the one multiplexed HTTP/2 connection ends
 * every stream at once and is judged as the mass cut it is.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/runner.ts';
import browserConnectionCap from '../../scenarios/browser-connection-cap.ts';
import browserConnectionCapH2 from '../../scenarios/browser-connection-cap-h2.ts';
import h2ConnectionCut from '../../scenarios/h2-connection-cut.ts';
import { RUN_BROWSER_TESTS } from '../client/chromium/fixtures.ts';

const slo = (r: Awaited<ReturnType<typeof runScenario>>['result'], name: string) =>
  r.slos.find((s) => s.name === name);

describe.skipIf(!RUN_BROWSER_TESTS)('real-browser scenarios (real stack)', () => {
  it('seven tabs over HTTP/1.1: the 7th waits behind the 6 connections, and no-queued-streams names the fix', async () => {
    const { result } = await runScenario(browserConnectionCap, { runtime: 'local' });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ verdict: 'fail', asExpected: true });
    expect(result.measurements).toMatchObject({
      'reconnect.queuedAttempts': 1,
      'reconnect.queuedBehindStreams': 6,
      'delivery.subscribersNeverOpened': 1,
    });
    expect(slo(result, 'no-queued-streams')?.diagnosis).toMatch(/HTTP\/2.*SharedWorker/);
    expect(result.browsers).toMatchObject({ eventSources: 7, contexts: 1 });
  }, 120_000);

  it('the same seven tabs over HTTP/2: all open on one connection, nothing queued', async () => {
    const { result } = await runScenario(browserConnectionCapH2, { runtime: 'local' });
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({
      verdict: 'pass',
      asExpected: true,
      transport: { tls: true, http2: true },
    });
    expect(result.measurements['reconnect.queuedAttempts']).toBe(0);
    expect(result.measurements['delivery.subscribersNeverOpened']).toBe(0);
  }, 120_000);

  it('a cut of the one HTTP/2 connection ends every stream at once: a mass cut of all 40, recovered without loss', async () => {
    const { result } = await runScenario(h2ConnectionCut, { runtime: 'local' });
    expect(result.error).toBeUndefined();
    expect(result.fleet.profiles).toEqual({ browser: 20, chromium: 20 });
    // The model's 20 streams share one connection: its cut closes all 20 within one second, a mass
    // cut judged for storms and jitter. Chromium's 20 (on a connection of their own) close at the
    // same cut, but their close reaches the history through the page, which on a loaded machine can
    // come more than a second after the model's: then they form a second cut of 20, not one of 40.
    expect(result.measurements['reconnect.herdSubscribers']).toBeGreaterThanOrEqual(20);
    // ...and every one of the 40 came back after it.
    expect(result.measurements['reconnect.attempts']).toBeGreaterThanOrEqual(40);
    for (const name of [
      'faults-took-effect',
      'no-silent-loss',
      'no-duplicates',
      'no-reconnect-storm',
      'recovery-time',
    ])
      expect(slo(result, name)?.pass, name).toBe(true);
    const agree = result.modelCheck!.comparisons.find((c) => c.slo === 'no-reconnect-storm');
    expect(agree).toMatchObject({ outcome: 'agree' });
  }, 120_000);
});
