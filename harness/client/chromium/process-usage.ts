/**
 * What a whole browser costs: Chromium is a tree of processes (browser, zygotes, GPU, network
 * service, one renderer per browser context), all in the process group we started it in. Summing RSS
 * counts shared pages (the same binary and libraries) once per process, so PSS (proportional set
 * size) is reported too: it is the figure that adds up. Linux only (/proc).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessGroupUsage {
  /** Live processes in the group (zombies excluded). */
  processes: number;
  /** Sum of VmRSS (overcounts shared pages). */
  rssBytes: number;
  /** Sum of Pss from smaps_rollup (shared pages divided among their users). */
  pssBytes: number;
  /** User + system CPU time of the live processes, in milliseconds. */
  cpuMs: number;
}

/** Linux reports CPU times in clock ticks of USER_HZ, which is 100 on every mainstream kernel. */
const TICK_MS = 10;

function kib(text: string, field: RegExp): number {
  const m = field.exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Usage of every process whose process group is `pgid` (zero processes when the group is gone). */
export function processGroupUsage(pgid: number): ProcessGroupUsage {
  const usage: ProcessGroupUsage = { processes: 0, rssBytes: 0, pssBytes: 0, cpuMs: 0 };
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return usage; // No procfs (not Linux).
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces and parentheses):
      // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime ...
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie (Z) or dead (X) process holds no memory; it only waits to be reaped by its parent.
      if (Number(f[2]) !== pgid || f[0] === 'Z' || f[0] === 'X') continue;
      usage.processes++;
      usage.cpuMs += (Number(f[11]) + Number(f[12])) * TICK_MS;
      usage.rssBytes += kib(readFileSync(`/proc/${name}/status`, 'utf8'), /^VmRSS:\s+(\d+) kB/m);
      usage.pssBytes += kib(readFileSync(`/proc/${name}/smaps_rollup`, 'utf8'), /^Pss:\s+(\d+) kB/m);
    } catch {
      // The process exited while we looked.
    }
  }
  return usage;
}
