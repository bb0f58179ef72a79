/**
 * The runner end to end on the real stack: a clean scenario passes, a broken profile is caught by
 * its detector, a fault scenario records its window and recovers, Ctrl-C (the abort signal) stops
 * mid-run with nothing left behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/runner.ts';
import { parseScenario } from '../../harness/run/scenario.ts';
import baseline from '../../scenarios/baseline.ts';
import edgePartition from '../../scenarios/edge-partition.ts';
import proxyBuffering from '../../scenarios/proxy-buffering.ts';

/** Processes whose parent chain leads to this test process (the stack's children included). */
function descendants(): string[] {
  const parent = new Map<number, number>();
  const cmd = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
      cmd.set(Number(d), readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      // the process ended while we looked
    }
  }
  const mine: string[] = [];
  for (const [pid] of parent) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        const c = cmd.get(pid) ?? '';
        // The topology's guardian outlives a run by design (it is per process, not per stack).
        if (!c.includes('guardian.mjs')) mine.push(`${pid} ${c}`);
        break;
      }
    }
  }
  return mine;
}

describe('runScenario (real stack)', () => {
  it('baseline passes with a complete result', async () => {
    const { result, interrupted, infrastructure, versions } = await runScenario(baseline);
    expect(interrupted).toBe(false);
    expect(infrastructure).toBe(false);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ name: 'baseline', verdict: 'pass', asExpected: true, profile: 'good' });
    expect(result.fleet.subscribers).toBe(baseline.fleet.count);
    expect(result.workload.acknowledged).toBe(result.workload.published);
    expect(result.measurements['delivery.silentGaps']).toBe(0);
    expect(result.slos.length).toBeGreaterThan(5);
    expect(result.proxyConfig).toContain('proxy_buffering off');
    expect(Object.keys(result.metrics.before).length).toBeGreaterThan(0);
    expect(result.series.t.length).toBeGreaterThan(0);
    expect(versions?.nginx).toMatch(/^\d/);
    expect(descendants()).toEqual([]);
  });

  it('proxy-buffering is caught by the buffering detector (verdict fail, as expected)', async () => {
    const { result } = await runScenario(proxyBuffering);
    expect(result.verdict).toBe('fail');
    const failed = result.slos.filter((s) => !s.pass).map((s) => s.name);
    expect(failed).toContain('no-proxy-buffering');
    expect(result.asExpected).toBe(true);
    expect(result.slos.find((s) => s.name === 'no-proxy-buffering')!.diagnosis).toContain(
      'proxy_buffering off',
    );
    expect(descendants()).toEqual([]);
  });

  it('edge-partition records its fault window and recovers without loss', async () => {
    const { result } = await runScenario(edgePartition);
    expect(result.faults).toHaveLength(1);
    expect(result.faults[0]).toMatchObject({ name: 'blackhole', leg: 'edge' });
    expect(result.faults[0]!.error).toBeUndefined();
    expect(result.faults[0]!.endMs - result.faults[0]!.startMs).toBeGreaterThanOrEqual(3000);
    expect(result.measurements['delivery.silentGaps']).toBe(0);
    expect(result.measurements['reconnect.unrecovered']).toBe(0);
    expect(result.asExpected).toBe(true);
    expect(descendants()).toEqual([]);
  });

  it('an abort mid-run stops everything, repairs the fault and returns a partial result', async () => {
    const s = parseScenario(
      {
        name: 'abort-me',
        description: 'a long partition the user interrupts with Ctrl-C',
        workload: { durationMs: 30_000 },
        faults: [{ at: 200, duration: 30_000, action: 'cut', leg: 'edge' }],
      },
      'test',
    );
    const abort = new AbortController();
    const phases: string[] = [];
    const run = runScenario(s, {
      signal: abort.signal,
      onPhase: (p) => {
        phases.push(p);
        if (p === 'workload + faults') setTimeout(() => abort.abort(), 1000);
      },
    });
    const { result, interrupted } = await run;
    expect(interrupted).toBe(true);
    expect(result.verdict).toBe('error');
    expect(result.error).toBe('interrupted');
    expect(result.durationMs).toBeLessThan(20_000);
    expect(phases).toContain('workload + faults');
    expect(descendants()).toEqual([]);
  });
});
