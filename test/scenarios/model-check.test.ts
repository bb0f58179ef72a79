/**
 * The model check, for real: user scenarios run with real Chromium EventSources beside the modelled
 * fleet, and the browser model's verdicts are compared with Chromium's on the behaviours the model
 * exists to predict (loss, duplicates, order, give-up, recovery, storms and jitter after a mass cut).
 * `npx sse-chaos --suite model-check` runs every user scenario this way and gates on every SLO (CI
 * runs it); here two scenarios with a mass cut, under the test runner's load, gate on behaviour.
 *
 * Browser: $SSE_CHAOS_CHROMIUM, default /usr/bin/chromium; missing, these are skipped locally with a
 * message and fail when CI is set.
 */
import { describe, expect, it } from 'vitest';
import { lagged, TIMING_SLOS } from '../../harness/run/model-check.ts';
import { runScenario } from '../../harness/run/runner.ts';
import { modelCheckSuite } from '../../scenarios/index.ts';
import { MODEL_CHECK_BROWSERS, modelCheckVariant } from '../../scenarios/model-check.ts';
import reconnectStorm from '../../scenarios/reconnect-storm.ts';
import { RUN_BROWSER_TESTS } from '../client/chromium/fixtures.ts';

/** The SLOs of behaviour (not of this machine's load) that model and reality must agree on. */
const BEHAVIOUR = [
  'subscribers-opened',
  'no-silent-loss',
  'no-duplicates',
  'in-order',
  'no-give-up',
  'recovery-time',
  'no-reconnect-storm',
  'reconnect-jitter',
];

describe('model-check variants', () => {
  it('add 20 real browsers to an unchanged modelled fleet, keeping what the scenario expects', () => {
    const v = modelCheckVariant(reconnectStorm);
    expect(v.name).toBe('model-check-reconnect-storm');
    expect(v.fleet.count).toBe(reconnectStorm.fleet.count + MODEL_CHECK_BROWSERS);
    expect(v.fleet.profiles).toEqual({ browser: 100, backoff: 100, chromium: 20 });
    expect(v.faults).toEqual(reconnectStorm.faults);
    expect(v.expect).toEqual(reconnectStorm.expect);
    expect(v.tags).toContain('model-check');
    expect(() => modelCheckVariant(v)).toThrow(/needs a purely modelled fleet/);
    expect(modelCheckSuite.length).toBeGreaterThanOrEqual(14);
  });
});

describe.skipIf(!RUN_BROWSER_TESTS)('the browser model against real Chromium (real stack)', () => {
  for (const name of ['model-check-reconnect-storm', 'model-check-mid-frame-cut']) {
    it(`${name}: the same verdicts on every behaviour both can be judged on`, async () => {
      const s = modelCheckSuite.find((x) => x.name === name)!;
      const { result, infrastructure } = await runScenario(s, { runtime: 'local' });
      expect(infrastructure, result.error).toBe(false);
      expect(result.fleet.profiles.chromium).toBe(MODEL_CHECK_BROWSERS);
      expect(result.browsers).toMatchObject({ eventSources: MODEL_CHECK_BROWSERS });
      const mc = result.modelCheck!;
      expect(mc.subscribers.reality).toBe(MODEL_CHECK_BROWSERS);
      const judged = mc.comparisons.filter((c) => BEHAVIOUR.includes(c.slo));
      expect(judged.map((c) => c.slo)).toEqual(expect.arrayContaining(BEHAVIOUR));
      for (const c of judged) {
        const what = `${c.slo}: model ${c.model} ${c.modelMeasured}, chromium ${c.reality} ${c.realityMeasured} ${c.note ?? ''}`;
        // Timing verdicts are compared unless this process's own loop lagged (the model's times are
        // taken on it; results say how much): then they are set aside with that reason, never passed.
        if (c.outcome === 'not comparable' && TIMING_SLOS.has(c.slo)) {
          expect(c.note, what).toMatch(/event loop lagged/);
          expect(
            lagged({ p99Ms: result.harness!.loopDelayP99Ms, maxMs: result.harness!.loopDelayMaxMs }),
          ).toBe(true);
          continue;
        }
        expect(c.outcome, what).toBe('agree');
        expect(c.model, what).toBe('pass');
      }
      // Loss, duplicates, order and give-up are never set aside: a mass cut of 20 real browsers and
      // their model counterparts went through the same cut and came back the same way.
      for (const slo of ['no-silent-loss', 'no-duplicates', 'in-order', 'no-give-up', 'subscribers-opened'])
        expect(judged.find((c) => c.slo === slo)!.outcome, slo).toBe('agree');
    }, 120_000);
  }
});
