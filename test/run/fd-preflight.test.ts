/**
 * The open-file preflight: the estimate, the parsing of the limit, the verdict and its message, and
 * the real limit of this machine as the runner reads it.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  estimateFdNeed,
  fdLimitProblem,
  fdNeeds,
  maxStreamsFor,
  planLayout,
  SINGLE_LAYOUT,
  parseLimitValue,
  parseProcLimitsNofile,
  readHardFdLimit,
  suggestedLimit,
} from '../../harness/run/fd-preflight.ts';

const PROC_LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 20000                files
Max locked memory         8388608              8388608              bytes
`;

describe('estimateFdNeed', () => {
  it('with one of everything, toxiproxy binds: 4 per stream, 5 % reconnect overlap, plus headroom', () => {
    expect(estimateFdNeed(10_000, 'local')).toEqual({
      component: 'toxiproxy',
      fds: 42_256,
      perStream: 4,
      processes: 1,
    });
    expect(estimateFdNeed(0, 'local').fds).toBe(256);
  });

  it('each process holds only its share: three toxiproxy processes need a third each', () => {
    const needs = fdNeeds(10_000, 'local', { toxiproxy: 3, nginxWorkers: 2, fleet: 2 });
    const of = (c: string) => needs.find((n) => n.component === c)!;
    expect(of('toxiproxy')).toEqual({
      component: 'toxiproxy',
      fds: 3_500 * 4 + 256,
      perStream: 4,
      processes: 3,
    });
    // nginx workers are sized with slack for an uneven spread: 5,250 x 1.25 = 6,563 streams each.
    expect(of('nginx').fds).toBe(6_563 * 2 + 256);
    expect(of('harness').fds).toBe(5_250 + 256);
    // The target is one process whatever the layout.
    expect(of('target').fds).toBe(10_500 + 256);
    expect(needs[0]!.fds).toBe(Math.max(...needs.map((n) => n.fds)));
  });

  it('with containers only the fleet processes (1 per subscriber) live under this limit', () => {
    expect(estimateFdNeed(10_000, 'containers')).toEqual({
      component: 'harness',
      fds: 10_756,
      perStream: 1,
      processes: 1,
    });
  });

  it('maxStreamsFor: the target, one process, is what a laid-out stack cannot split', () => {
    for (const limit of [1_024, 1_501, 20_000, 65_536]) {
      const n = maxStreamsFor(limit, 'local');
      const layout = planLayout(n, limit, 'local', 2);
      expect(estimateFdNeed(n, 'local', layout).fds).toBeLessThanOrEqual(limit);
      expect(fdLimitProblem('s', n + 1, limit, 'local', planLayout(n + 1, limit, 'local', 2))).toBeDefined();
    }
    expect(maxStreamsFor(20_000, 'local')).toBe(18_803);
    expect(maxStreamsFor(200, 'local')).toBe(0);
  });
});

describe('planLayout', () => {
  it('keeps one of everything for a small fleet (the default suite runs unchanged)', () => {
    expect(planLayout(40, 20_000, 'local', 2)).toEqual(SINGLE_LAYOUT);
    expect(planLayout(1_999, 20_000, 'local', 2)).toEqual(SINGLE_LAYOUT);
  });

  it('splits 10,000 streams under a 20,000 limit so every process fits', () => {
    const layout = planLayout(10_000, 20_000, 'local', 2);
    expect(layout).toEqual({ toxiproxy: 3, nginxWorkers: 2, fleet: 2 });
    for (const need of fdNeeds(10_000, 'local', layout)) expect(need.fds).toBeLessThanOrEqual(20_000);
    // One process fewer of either would not fit.
    expect(estimateFdNeed(10_000, 'local', { ...layout, toxiproxy: 2 }).fds).toBeGreaterThan(20_000);
    expect(estimateFdNeed(10_000, 'local', { ...layout, nginxWorkers: 1 }).fds).toBeGreaterThan(20_000);
  });

  it('spreads a large fleet over every core, and over more processes when one could not hold its share', () => {
    expect(planLayout(2_000, 20_000, 'local', 4).fleet).toBe(4);
    expect(planLayout(18_000, 10_000, 'containers', 1)).toEqual({ toxiproxy: 1, nginxWorkers: 1, fleet: 2 });
  });

  it('does not split when the limit is unknown or unlimited', () => {
    expect(planLayout(10_000, undefined, 'local', 1)).toEqual(SINGLE_LAYOUT);
    expect(planLayout(10_000, Infinity, 'local', 1)).toEqual(SINGLE_LAYOUT);
  });
});

describe('limit parsing', () => {
  it('reads the hard column of /proc/<pid>/limits', () => {
    expect(parseProcLimitsNofile(PROC_LIMITS)).toBe(20_000);
    expect(parseProcLimitsNofile(PROC_LIMITS.replace('20000 ', 'unlimited'))).toBe(Infinity);
    expect(parseProcLimitsNofile('Max cpu time unlimited unlimited seconds\n')).toBeUndefined();
  });

  it('reads ulimit output', () => {
    expect(parseLimitValue('65536\n')).toBe(65_536);
    expect(parseLimitValue('unlimited\n')).toBe(Infinity);
    expect(parseLimitValue('')).toBeUndefined();
    expect(parseLimitValue('sh: ulimit: bad')).toBeUndefined();
  });

  it('readHardFdLimit agrees with the shell on this machine', async () => {
    const shell = parseLimitValue(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }));
    expect(await readHardFdLimit()).toBe(shell);
    if (process.platform === 'linux')
      expect(parseProcLimitsNofile(readFileSync('/proc/self/limits', 'utf8'))).toBe(shell);
  });
});

describe('fdLimitProblem', () => {
  it('passes a fleet whose laid-out processes fit, and when the limit is unknown or unlimited', () => {
    expect(fdLimitProblem('baseline', 40, 1_024, 'local')).toBeUndefined();
    expect(fdLimitProblem('scale', 10_000, 20_000, 'local')).toBeUndefined();
    expect(fdLimitProblem('scale', 18_803, 20_000, 'local')).toBeUndefined();
    expect(fdLimitProblem('scale', 10_000, undefined, 'local')).toBeUndefined();
    expect(fdLimitProblem('scale', 10_000, Infinity, 'local')).toBeUndefined();
    expect(fdLimitProblem('scale', 30_000, 20_000, 'containers')).toBeUndefined();
  });

  it('judges the layout it is given: 10,000 through one toxiproxy-server does not fit', () => {
    const msg = fdLimitProblem('scale', 10_000, 20_000, 'local', SINGLE_LAYOUT)!;
    expect(msg).toContain('"scale"');
    expect(msg).toContain('42,256 open files');
    expect(msg).toContain('10,000 subscribers');
    expect(msg).toContain('a toxiproxy-server holds 4 per stream');
    expect(msg).toContain('hard open-file limit here is 20,000');
    expect(msg).toContain('ulimit -Hn 65536');
    expect(msg).toContain('docker run --ulimit nofile=65536:65536');
    expect(msg).toContain('fleet.count <= 18,803');
    expect(msg).not.toContain('\n'); // one line: the CLI prints an error's first line
  });

  it('names the target when it is what binds (it cannot be split)', () => {
    const msg = fdLimitProblem('huge', 20_000, 20_000, 'local')!;
    expect(msg).toContain('the target holds 1 per stream and is one process');
    expect(msg).toContain('21,256 open files');
  });

  it('suggests a limit above the need', () => {
    expect(suggestedLimit(42_256)).toBe(65_536);
    expect(suggestedLimit(100_000)).toBe(131_072);
    expect(fdLimitProblem('huge', 40_000, 65_536, 'local', SINGLE_LAYOUT)).toContain('ulimit -Hn 262144');
  });
});
