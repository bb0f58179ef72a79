/**
 * No orphans, ever. Every child we start runs in its own process group, registered here. Three
 * layers make sure the groups die with us:
 * - `stop()` of each component (the normal path);
 * - `exit`, and SIGINT/SIGTERM/SIGHUP when nobody else handles them: kill every group synchronously;
 * - the guardian process (guardian.mjs), which holds a pipe from us and kills every group when the
 *   pipe closes: that covers the parent being SIGKILLed or crashing natively.
 * Temp dirs and network namespaces (with their veths) are released the same way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { packageFile } from '../package-layout.ts';

const groups = new Set<number>();
/** Network namespaces we made, with their host-side veths. */
const netnsOwned = new Map<string, readonly string[]>();
let guardian: ChildProcess | undefined;
let hooksInstalled = false;

function send(line: string): void {
  const stdin = guardian?.stdin;
  if (stdin && !stdin.destroyed) stdin.write(`${line}\n`);
}

function ensureGuardian(): void {
  if (guardian && guardian.exitCode === null && guardian.signalCode === null) return;
  guardian = spawn(process.execPath, [packageFile('harness', 'topology', 'guardian.mjs')], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  guardian.on('error', () => {}); // Spawning node itself cannot really fail; the other layers remain.
  guardian.stdin?.on('error', () => {});
  // Neither the guardian nor its pipe may keep our event loop alive.
  guardian.unref();
  (guardian.stdin as unknown as Socket | null)?.unref?.();
  for (const pgid of groups) send(`+${pgid}`);
  for (const [netns, links] of netnsOwned) send([...links.map((l) => `+l${l}`), `+n${netns}`].join('\n'));
  installHooks();
}

function killAllSync(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // ESRCH: already gone.
    }
  }
  groups.clear();
  for (const [netns, links] of netnsOwned) {
    for (const l of links) spawnSync('ip', ['link', 'delete', l], { stdio: 'ignore', timeout: 5_000 });
    spawnSync('ip', ['netns', 'delete', netns], { stdio: 'ignore', timeout: 5_000 });
  }
  netnsOwned.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      // Someone else (the runner) handles this signal and will stop its topologies in order.
      if (process.listenerCount(sig) > 1) return;
      killAllSync();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig); // Default action: die by the same signal.
    };
    process.on(sig, handler);
  }
}

/** Registers a process group (a child spawned with `detached: true`: pgid = its pid). */
export function guardGroup(pgid: number): void {
  ensureGuardian();
  groups.add(pgid);
  send(`+${pgid}`);
}

/** The group is stopped; forget it. */
export function releaseGroup(pgid: number): void {
  groups.delete(pgid);
  send(`-${pgid}`);
}

/** Registers a temp dir the guardian removes if we die before cleaning it ourselves. */
export function guardDir(path: string): void {
  ensureGuardian();
  send(`+d${path}`);
}

export function releaseDir(path: string): void {
  send(`-d${path}`);
}

/**
 * Registers a network namespace and its host-side veth (netns.ts), removed by the guardian if we die
 * first, and on our own exit (a synchronous last resort when the stack's owner could not run).
 */
export function guardNetns(netns: string, links: readonly string[]): void {
  ensureGuardian();
  netnsOwned.set(netns, links);
  for (const l of links) send(`+l${l}`);
  send(`+n${netns}`);
}

export function releaseNetns(netns: string, links: readonly string[]): void {
  netnsOwned.delete(netns);
  for (const l of links) send(`-l${l}`);
  send(`-n${netns}`);
}

/** The guardian's pid (for tests that prove it cleans up). */
export function guardianPid(): number | undefined {
  return guardian?.pid;
}
