import { describe, it, expect } from 'vitest';
import { resolveSlos } from '../../harness/slo/resolve.ts';
import type { Comparator } from '../../harness/slo/spec.ts';
import { defaultSlos } from '../../harness/slo/defaults.ts';
import { testContext } from '../checks/build-history.ts';

const DEFAULTS = defaultSlos(testContext(), {
  maxReconnectWaitMs: 2000,
  minAcknowledged: 10,
  minWindowEvents: 10,
});
const threshold = (list: ReturnType<typeof resolveSlos>, name: string) =>
  list.find((s) => s.name === name)!.threshold;

describe('resolveSlos', () => {
  it('returns the defaults untouched without overrides (copies, not the originals)', () => {
    const out = resolveSlos(DEFAULTS);
    expect(out.map((s) => s.name)).toEqual(DEFAULTS.map((s) => s.name));
    out[0]!.threshold = 123;
    expect(DEFAULTS[0]!.threshold).not.toBe(123);
  });

  it('applies one precedence: defaults < config < scenario < command line', () => {
    const sources = {
      config: { 'latency-p99': 500, 'recovery-time': 9000, 'no-idle-cuts': 2 },
      scenario: { 'latency-p99': 6000, 'recovery-time': { threshold: 8000 } },
      cli: { 'latency-p99': 700 },
    };
    const out = resolveSlos(DEFAULTS, sources);
    expect(threshold(out, 'latency-p99')).toBe(700); // the command line wins
    expect(threshold(out, 'recovery-time')).toBe(8000); // the scenario beats the config
    expect(threshold(out, 'no-idle-cuts')).toBe(2); // the config beats the default
    expect(
      threshold(resolveSlos(DEFAULTS, { config: sources.config, scenario: sources.scenario }), 'latency-p99'),
    ).toBe(6000);
  });

  it('applies thresholds, comparators, enabled and required flags', () => {
    const out = resolveSlos(DEFAULTS, {
      config: { 'no-idle-cuts': { enabled: false }, 'no-connection-leak': { required: true } },
      scenario: { 'latency-p99': { threshold: 3000, comparator: '>=' } },
    });
    const p99 = out.find((s) => s.name === 'latency-p99')!;
    expect([p99.threshold, p99.comparator]).toEqual([3000, '>=']);
    expect(out.some((s) => s.name === 'no-idle-cuts')).toBe(false);
    expect(out.find((s) => s.name === 'no-connection-leak')!.required).toBe(true);
  });

  it('rejects an unknown SLO name, naming where it came from and the known ones', () => {
    expect(() => resolveSlos(DEFAULTS, { cli: { 'no-silent-los': 1 } })).toThrow(
      /--slo: unknown SLO 'no-silent-los'; known SLOs are publishes-acknowledged, subscribers-opened/,
    );
  });

  it('rejects a non-finite threshold and an unknown comparator, naming the SLO', () => {
    expect(() => resolveSlos(DEFAULTS, { config: { 'latency-p99': { threshold: Number.NaN } } })).toThrow(
      /config slos: SLO 'latency-p99': threshold must be a finite number/,
    );
    expect(() =>
      resolveSlos(DEFAULTS, { scenario: { 'latency-p99': { comparator: '<' as Comparator } } }),
    ).toThrow(/SLO 'latency-p99': comparator must be one of <= >= ==, got </);
  });
});
