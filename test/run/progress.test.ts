/**
 * The progress line: in a CI log (no TTY) each phase is one plain line carrying the fleet's live
 * totals once the fleet runs, real browsers' share apart; a model/reality disagreement is named
 * on the scenario's closing line.
 */
import { describe, expect, it } from 'vitest';
import { createProgress, formatLive } from '../../harness/run/progress.ts';
import type { ScenarioResult } from '../../harness/results/results.ts';

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { isTTY: false, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

describe('progress', () => {
  it("prints the fleet's totals with each phase, the real browsers' apart", () => {
    const { stream, text } = sink();
    const p = createProgress(stream);
    p({ type: 'scenario-start', name: 'demo', index: 0, total: 1 });
    p({ type: 'phase', name: 'demo', phase: 'starting stack' });
    const live = {
      subscribers: 60,
      connected: 58,
      events: 1200,
      reconnects: 3,
      gaveUp: 0,
      chromium: { subscribers: 20, connected: 19, events: 400, reconnects: 1 },
    };
    p({ type: 'phase', name: 'demo', phase: 'workload + faults', live: () => live });
    p.close();
    expect(text().split('\n')).toEqual([
      '[1/1] demo: starting',
      '  demo: starting stack',
      '  demo: workload + faults (58/60 open, 1200 events, 3 reconnects; chromium 19/20 open, 400 events, 1 reconnects)',
      '',
    ]);
    expect(formatLive({ ...live, gaveUp: 2, chromium: undefined })).toBe(
      '58/60 open, 1200 events, 3 reconnects, 2 gave up',
    );
  });

  it('names the SLOs on which the browser model and real Chromium disagree', () => {
    const { stream, text } = sink();
    const p = createProgress(stream);
    const result = {
      name: 'demo',
      verdict: 'pass',
      asExpected: false,
      expected: 'pass',
      durationMs: 1000,
      slos: [],
      modelCheck: {
        comparisons: [
          { slo: 'no-silent-loss', outcome: 'disagree' },
          { slo: 'no-queued-streams', outcome: 'disagree', known: 'http1-connection-cap: ...' },
        ],
      },
    } as unknown as ScenarioResult;
    p({ type: 'scenario-end', result, index: 0, total: 1 });
    expect(text()).toBe(
      'FAIL [1/1] demo pass (expected pass) 1.0s model and chromium disagree on: no-silent-loss\n',
    );
  });
});
