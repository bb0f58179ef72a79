/** Resident memory and CPU time of other processes (the stack's components), from /proc (Linux). */
import { readFileSync } from 'node:fs';

/** RSS in bytes of `pid` and all its descendants (nginx workers, tsx wrappers), or undefined. */
export function treeRss(pid: number): number | undefined {
  const pids = [pid, ...descendants(pid)];
  let total = 0;
  let any = false;
  for (const p of pids) {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) {
        total += Number(m[1]) * 1024;
        any = true;
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return any ? total : undefined;
}

/** Children of children, via /proc/PID/task/TID/children. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    try {
      const kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
      out.push(...kids);
      queue.push(...kids);
    } catch {
      // No such process or no children file.
    }
  }
  return out;
}
