/**
 * Open-file limit of this process. 10,000 streams through the stack cost one fd per subscriber in
 * the client, two per stream in nginx and four per stream in toxiproxy (edge in/out + origin in/out),
 * and every component inherits its limit from the process that started it: us. Node cannot call
 * setrlimit, so we ask `prlimit(1)` to raise ours (works as root or up to the hard limit).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface FdLimit {
  soft: number;
  hard: number;
}

/** Reads `Max open files` of a process from /proc (Linux). */
export function readFdLimit(pid: number | 'self' = 'self'): FdLimit | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/limits`, 'utf8');
    const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(text);
    if (!m) return undefined;
    const n = (s: string): number => (s === 'unlimited' ? Infinity : Number(s));
    return { soft: n(m[1]!), hard: n(m[2]!) };
  } catch {
    return undefined;
  }
}

/**
 * Raises this process's soft (and, when allowed, hard) open-file limit to `want`; children started
 * afterwards inherit it. Returns the limit in force afterwards and how it got there.
 */
export function raiseFdLimit(want: number): { limit: FdLimit | undefined; note: string } {
  const current = readFdLimit();
  if (current && current.soft >= want)
    return { limit: current, note: `fd limit ${current.soft} already >= ${want}` };
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${want}:${want}`], { stdio: 'pipe' });
    return { limit: readFdLimit(), note: `raised fd limit to ${want} with prlimit (was ${current?.soft})` };
  } catch (err) {
    const hard = current?.hard ?? 0;
    if (current && hard > current.soft) {
      try {
        execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${hard}:${hard}`], {
          stdio: 'pipe',
        });
      } catch {
        // Keep what we have; the note says so.
      }
    }
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return {
      limit: readFdLimit(),
      note:
        `could not raise the fd limit to ${want} (${msg}); the hard limit here is ${readFdLimit()?.hard}. ` +
        'Raise it before npm run bench (`ulimit -Hn`, limits.conf, or the container runtime) to go further',
    };
  }
}
