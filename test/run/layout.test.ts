/** What a process layout changes in a run: nginx's workers and connections, and the report's note. */
import { describe, expect, it } from 'vitest';
import { SINGLE_LAYOUT } from '../../harness/run/fd-preflight.ts';
import { layoutNote, sizedProfileParams } from '../../harness/run/layout.ts';

describe('sizedProfileParams', () => {
  it('leaves one worker exactly as the profile and scenario say', () => {
    const params = { workerConnections: 16, heartbeatMs: 500 };
    expect(sizedProfileParams(params, SINGLE_LAYOUT, 10_000)).toBe(params);
  });

  it('gives several workers worker_processes and enough connections for their share', () => {
    const sized = sizedProfileParams(
      { heartbeatMs: 5000 },
      { toxiproxy: 3, nginxWorkers: 2, fleet: 2 },
      10_000,
    );
    // 10,500 streams (5 % overlap) / 2 workers x 1.25 slack = 6,563 streams, 2 connections each.
    expect(sized).toEqual({ heartbeatMs: 5000, workerProcesses: 2, workerConnections: 2 * 6_563 + 256 });
    // A scenario that asks for more keeps it.
    expect(
      sizedProfileParams({ workerConnections: 25_000 }, { toxiproxy: 3, nginxWorkers: 2, fleet: 2 }, 10_000)
        .workerConnections,
    ).toBe(25_000);
  });
});

describe('layoutNote', () => {
  it('says nothing for the plain layout and names every split otherwise', () => {
    expect(layoutNote(SINGLE_LAYOUT, 40)).toBeUndefined();
    const note = layoutNote({ toxiproxy: 3, nginxWorkers: 2, fleet: 2 }, 10_000)!;
    expect(note).toContain('10,000 streams');
    expect(note).toContain('3 toxiproxy-server process(es)');
    expect(note).toContain('2 nginx worker(s)');
    expect(note).toContain('2 fleet process(es)');
  });
});
