/** What a process group costs, read from /proc: every live member counted, zombies and strangers not. */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { processGroupUsage } from '../../../harness/client/chromium/process-usage.ts';
import { waitFor } from './fixtures.ts';

describe('processGroupUsage', () => {
  it('counts every live process of the group (here a shell and its two children), with memory and CPU', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    const pgid = child.pid!;
    try {
      await waitFor('three processes', () => processGroupUsage(pgid).processes === 3);
      const u = processGroupUsage(pgid);
      expect(u.rssBytes).toBeGreaterThan(0);
      expect(u.pssBytes).toBeGreaterThan(0);
      // Shared pages are split among their users: PSS never exceeds the sum of RSS.
      expect(u.pssBytes).toBeLessThanOrEqual(u.rssBytes);
      expect(u.cpuMs).toBeGreaterThanOrEqual(0);
    } finally {
      process.kill(-pgid, 'SIGKILL');
      await once(child, 'exit');
    }
    await waitFor('the group to be gone', () => processGroupUsage(pgid).processes === 0);
    expect(processGroupUsage(pgid)).toEqual({ processes: 0, rssBytes: 0, pssBytes: 0, cpuMs: 0 });
  });

  it('does not count a zombie (an exited child its parent never reaped)', async () => {
    // `exec sleep` replaces the shell with a parent that never waits for the child that exits at once.
    const child = spawn('/bin/sh', ['-c', 'true & exec sleep 30'], { detached: true, stdio: 'ignore' });
    const pgid = child.pid!;
    try {
      await waitFor('the zombie', () => zombies(pgid) === 1);
      expect(processGroupUsage(pgid).processes).toBe(1);
    } finally {
      process.kill(-pgid, 'SIGKILL');
      await once(child, 'exit');
    }
  });

  it('a group with no process has zero usage', () => {
    expect(processGroupUsage(2 ** 30)).toEqual({ processes: 0, rssBytes: 0, pssBytes: 0, cpuMs: 0 });
  });
});

/** Zombies in a process group, from ps. */
function zombies(pgid: number): number {
  const out = execFileSync('ps', ['-eo', 'pgid=,stat='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([g, stat]) => Number(g) === pgid && stat?.startsWith('Z')).length;
}
