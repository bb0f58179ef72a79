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
  maxStreamsFor,
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
  it('locally, toxiproxy binds: 4 per stream, 5 % reconnect overlap, plus headroom', () => {
    expect(estimateFdNeed(10_000, 'local')).toEqual({ component: 'toxiproxy', fds: 42_256, perStream: 4 });
    expect(estimateFdNeed(0, 'local').fds).toBe(256);
  });

  it('with containers only the harness (1 per subscriber) lives under this limit', () => {
    expect(estimateFdNeed(10_000, 'containers')).toEqual({ component: 'harness', fds: 10_756, perStream: 1 });
  });

  it('maxStreamsFor is the largest count whose need fits', () => {
    for (const limit of [200, 1_024, 1_501, 20_000, 65_536]) {
      const n = maxStreamsFor(limit, 'local');
      if (n > 0) expect(estimateFdNeed(n, 'local').fds).toBeLessThanOrEqual(limit);
      expect(estimateFdNeed(n + 1, 'local').fds).toBeGreaterThan(limit);
    }
    expect(maxStreamsFor(20_000, 'local')).toBe(4_700);
    expect(maxStreamsFor(200, 'local')).toBe(0);
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
  it('passes a fleet that fits, and when the limit is unknown or unlimited', () => {
    expect(fdLimitProblem('baseline', 40, 1_024, 'local')).toBeUndefined();
    expect(fdLimitProblem('scale', 4_700, 20_000, 'local')).toBeUndefined();
    expect(fdLimitProblem('scale', 4_701, 20_000, 'local')).toBeDefined();
    expect(fdLimitProblem('scale', 10_000, undefined, 'local')).toBeUndefined();
    expect(fdLimitProblem('scale', 10_000, Infinity, 'local')).toBeUndefined();
    expect(fdLimitProblem('scale', 10_000, 20_000, 'containers')).toBeUndefined();
  });

  it('names the need, the limit and the fixes when the fleet does not fit', () => {
    const msg = fdLimitProblem('scale', 10_000, 20_000, 'local')!;
    expect(msg).toContain('"scale"');
    expect(msg).toContain('42,256 open files');
    expect(msg).toContain('10,000 subscribers');
    expect(msg).toContain('toxiproxy-server holds 4 per stream');
    expect(msg).toContain('hard open-file limit here is 20,000');
    expect(msg).toContain('ulimit -Hn 65536');
    expect(msg).toContain('docker run --ulimit nofile=65536:65536');
    expect(msg).toContain('fleet.count <= 4,700');
    expect(msg).not.toContain('\n'); // one line: the CLI prints an error's first line
  });

  it('suggests a limit above the need', () => {
    expect(suggestedLimit(42_256)).toBe(65_536);
    expect(suggestedLimit(100_000)).toBe(131_072);
    expect(fdLimitProblem('huge', 40_000, 65_536, 'local')).toContain('ulimit -Hn 262144');
  });
});
