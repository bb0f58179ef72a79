/**
 * No leftovers in the engine, ever. Everything a run creates carries its run id and owner (labels.ts).
 * Three layers remove it, like the local runtime's guardian does for processes:
 * - `stop()` of the topology removes the run's containers and network (the normal path, also on
 *   error and on Ctrl-C, when the runner stops its topologies);
 * - the sweeper process (sweeper.mjs) holds a pipe from us and removes every registered run when
 *   the pipe closes: that covers the owner being SIGKILLed or crashing;
 * - `sweepStale()` at the next start (and `scripts/containers.ts sweep`) removes runs whose owner
 *   process on this host is gone, for the rare case the sweeper died with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  dockerEndpoint,
  listContainers,
  listNetworks,
  removeByLabels,
  type DockerEndpoint,
} from './docker-http.mjs';
import { LABEL, parseOwner } from './labels.ts';
import { processAlive } from './process-alive.ts';

let sweeper: ChildProcess | undefined;
let sweeperEndpoint = '';
const guarded = new Set<string>();

function send(line: string): void {
  const stdin = sweeper?.stdin;
  if (stdin && !stdin.destroyed) stdin.write(`${line}\n`);
}

function ensureSweeper(endpoint: DockerEndpoint): void {
  const ep = JSON.stringify(endpoint);
  if (!sweeper || sweeper.exitCode !== null || sweeper.signalCode !== null) {
    sweeper = spawn(process.execPath, [fileURLToPath(new URL('./sweeper.mjs', import.meta.url))], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    sweeper.on('error', () => {}); // Spawning node itself cannot really fail; stop() and sweepStale remain.
    sweeper.stdin?.on('error', () => {});
    // Neither the sweeper nor its pipe may keep our event loop alive.
    sweeper.unref();
    (sweeper.stdin as unknown as Socket | null)?.unref?.();
    sweeperEndpoint = '';
    for (const run of guarded) send(`+${run}`);
  }
  if (ep !== sweeperEndpoint) send(`e${ep}`);
  sweeperEndpoint = ep;
}

/** Registers a run with the sweeper: removed if we die before `releaseRun`. */
export function guardRun(runId: string, endpoint: DockerEndpoint): void {
  guarded.add(runId);
  ensureSweeper(endpoint);
  send(`+${runId}`);
}

/** The run is cleaned up; the sweeper forgets it. */
export function releaseRun(runId: string): void {
  guarded.delete(runId);
  send(`-${runId}`);
}

/** The sweeper's pid (tests prove it cleans up). */
export function sweeperPid(): number | undefined {
  return sweeper?.pid;
}

/** Removes one run's containers and networks now. */
export function sweepRun(runId: string, endpoint: DockerEndpoint) {
  return removeByLabels(endpoint, [`${LABEL.run}=${runId}`]);
}

/**
 * Removes every run whose owner on this host is no longer alive. Runs of other hosts sharing the
 * engine (a remote DOCKER_HOST) are never touched: we cannot tell whether their owner lives.
 */
export async function sweepStale(
  endpoint: DockerEndpoint | undefined = dockerEndpoint(),
  isAlive: (pid: number) => boolean = processAlive,
  host = hostname(),
): Promise<{ containers: string[]; networks: string[] }> {
  const removed = { containers: [] as string[], networks: [] as string[] };
  if (!endpoint) return removed;
  const items = [
    ...(await listContainers(endpoint, [LABEL.owner])),
    ...(await listNetworks(endpoint, [LABEL.owner])),
  ];
  const dead = new Set<string>();
  for (const item of items) {
    const owner = parseOwner(item.labels[LABEL.owner]);
    const run = item.labels[LABEL.run];
    if (run && owner && owner.host === host && !isAlive(owner.pid)) dead.add(run);
  }
  for (const run of dead) {
    const r = await sweepRun(run, endpoint);
    removed.containers.push(...r.containers);
    removed.networks.push(...r.networks);
  }
  return removed;
}
