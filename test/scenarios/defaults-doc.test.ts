/** The scenario defaults the docs quote are the ones the code uses. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIO_DEFAULTS as D } from '../../harness/run/defaults.ts';

const readme = readFileSync(new URL('../../scenarios/README.md', import.meta.url), 'utf8');

describe('scenarios/README.md', () => {
  it('quotes the defaults of harness/run/defaults.ts', () => {
    const row = (knob: string) => readme.split('\n').find((l) => l.startsWith(`| ${knob} |`)) ?? '';
    expect(row('heartbeat')).toContain(`${D.server.heartbeatMs} ms`);
    expect(row('`retry:`')).toContain(`${D.server.retryMs} ms + random [0, ${D.server.retryJitterMs}]`);
    expect(row('replay retention (reference server)')).toContain(`${D.server.logRetention} events`);
    expect(row('shutdown grace (reference server)')).toContain(`${D.server.graceMs} ms`);
    expect(row('backoff profile')).toContain(
      `base ${D.fleet.backoff.baseMs} ms, cap ${D.fleet.backoff.capMs} ms`,
    );
    expect(row('watchdog')).toContain(`${D.fleet.watchdogMultiple} heartbeats`);
    expect(row('workload')).toContain(
      `${D.workload.ratePerSec} events/s for ${D.workload.durationMs} ms, ${D.workload.payloadBytes} B`,
    );
    expect(row('fleet')).toContain(`${D.fleet.count} subscribers`);
    expect(row('fleet')).toContain(`${D.fleet.rampMs} ms ramp`);
    expect(row('drain')).toContain(`${D.drainMs} ms`);
    expect(row('settle')).toContain(`${D.settleMs} ms`);
  });
});
