/**
 * Age cuts against idle cuts: a deadline on the whole response cuts streams at one age after any
 * silence; an idle timer cuts them after one silence at any age. Specified on the pattern function
 * with the shapes the real proxies produced (Caddy's write timeout; nginx, HAProxy and Caddy idle
 * timeouts).
 */
import { describe, expect, it } from 'vitest';
import { ageCutPattern } from '../../harness/checks/heartbeat.ts';

const hb = 1000;
/** n cuts, one every `every` ms of the run, at ages and silences from the functions. */
const cuts = (n: number, age: (i: number) => number, silence: (i: number) => number, every = 700) =>
  Array.from({ length: n }, (_, i) => ({ ageMs: age(i), silenceMs: silence(i), closeT: 1000 + i * every }));

describe('ageCutPattern', () => {
  it('finds a deadline: ages within a write interval above it, cuts spread over the run, bytes well into each life', () => {
    // Caddy write timeout 1.5 s, 1 s heartbeat: the cut comes ~1 s after the last byte, at 2.0-2.5 s.
    const found = ageCutPattern(
      cuts(
        20,
        (i) => 2000 + (i % 6) * 90,
        () => 1011,
      ),
      hb,
    );
    expect(found).toHaveLength(20);
  });

  it('does not take quiet streams cut in their first silence for a deadline (an idle timer)', () => {
    // nginx proxy_read_timeout 600 ms: cut 600 ms after the setup bytes, every time.
    expect(
      ageCutPattern(
        cuts(
          30,
          () => 601,
          () => 601,
        ),
        hb,
      ),
    ).toEqual([]);
  });

  it('does not take busy streams cut by an idle timer for a deadline: their ages follow the traffic', () => {
    expect(
      ageCutPattern(
        cuts(
          30,
          (i) => 600 + (i % 7) * 900,
          () => 600,
        ),
        hb,
      ),
    ).toEqual([]);
  });

  it('does not take one moment that cut every stream (the end of the traffic) for a deadline', () => {
    // Everyone connected together and was cut when publishing stopped: same age, same moment.
    expect(
      ageCutPattern(
        cuts(
          30,
          () => 4400,
          () => 396,
          1,
        ),
        hb,
      ),
    ).toEqual([]);
  });

  it('needs at least three cuts', () => {
    expect(
      ageCutPattern(
        cuts(
          2,
          () => 2000,
          () => 1000,
        ),
        hb,
      ),
    ).toEqual([]);
  });
});
