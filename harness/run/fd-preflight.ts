/**
 * The open-file preflight and the process layout it implies. A stream costs descriptors in every
 * process it passes through, and the open-file limit binds per process: toxiproxy-server holds 4 per
 * stream (edge and origin, each with a client and an upstream side), an nginx worker 2, a fleet
 * process 1, the target 1. A limit that is too low does not fail cleanly: it fails halfway through
 * the ramp, as accept errors and a run that means nothing.
 *
 * So the runner first lays the stack out for the fleet (`planLayout`): as many toxiproxy-server
 * processes, nginx workers and fleet processes as keep each one under the limit, and then checks what
 * still cannot be split (the target is one process) against it (`fdLimitProblem`). Only the hard limit
 * counts: Node raises its soft limit to the hard one at startup, and the stack's processes inherit it.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { RuntimeName } from '../topology/topology.ts';

/**
 * Descriptors a process needs besides its streams: listeners, logs, the publisher's and scrapers'
 * connections, pipes, libraries (a few dozen; 256 to be safe, and small enough that the default
 * suite's 40 subscribers still fit under a 1,024 limit).
 */
export const FD_HEADROOM = 256;

/**
 * Streams overlap during a mass reconnect (the old socket is still closing when the new one opens):
 * 5 % more than the fleet is reserved for that.
 */
export const RECONNECT_OVERLAP = 1.05;

/** Descriptors per stream in each local process (toxiproxy: edge in/out + origin in/out). */
export const FDS_PER_STREAM = {
  toxiproxy: 4,
  nginx: 2,
  harness: 1,
  target: 1,
} as const;

/**
 * nginx hands connections to its workers through the kernel (`reuseport`: a hash of the 4-tuple),
 * so a worker's share is close to even but not exact: each is sized for a quarter more than its share.
 */
export const NGINX_WORKER_SLACK = 1.25;

/** Below this many subscribers the fleet stays in the runner's process (a child costs ~0.5 s to start). */
export const FLEET_PROCESS_MIN = 2_000;

export type Component = keyof typeof FDS_PER_STREAM;

/** How many processes of each kind carry the streams. */
export interface ProcessLayout {
  /** toxiproxy-server processes; each holds every leg (edge, edge-b, origin) for its share of the fleet. */
  toxiproxy: number;
  /** nginx worker processes. */
  nginxWorkers: number;
  /** Processes the fleet's subscribers run in (1: in the runner's own process). */
  fleet: number;
}

/** One of everything: the layout of every run before the limit asks for more. */
export const SINGLE_LAYOUT: ProcessLayout = { toxiproxy: 1, nginxWorkers: 1, fleet: 1 };

export interface FdNeed {
  /** The process that needs the most descriptors (the one the limit binds on). */
  component: Component;
  /** Its descriptor count, headroom included. */
  fds: number;
  /** Descriptors it holds per stream of its share. */
  perStream: number;
  /** How many processes share that component's streams. */
  processes: number;
}

const overlap = (streams: number): number => Math.ceil(streams * RECONNECT_OVERLAP);

/** Descriptors of one process holding `share` of the streams' overlap-adjusted count. */
function perProcess(component: Component, streams: number, processes: number, slack = 1): number {
  const share = Math.ceil((overlap(streams) / processes) * slack);
  return share * FDS_PER_STREAM[component] + FD_HEADROOM;
}

/**
 * The per-process descriptor needs of `streams` concurrent streams under a layout, largest first.
 * With the `containers` runtime the stack runs under the container engine's limits; only the fleet
 * processes (one socket per subscriber) live under this machine's.
 */
export function fdNeeds(streams: number, runtime: RuntimeName, layout = SINGLE_LAYOUT): FdNeed[] {
  const need = (component: Component, processes: number, slack = 1): FdNeed => ({
    component,
    fds: perProcess(component, streams, processes, slack),
    perStream: FDS_PER_STREAM[component],
    processes,
  });
  const harness = need('harness', layout.fleet);
  if (runtime === 'containers') return [harness];
  const needs = [
    need('toxiproxy', layout.toxiproxy),
    need('nginx', layout.nginxWorkers, layout.nginxWorkers > 1 ? NGINX_WORKER_SLACK : 1),
    harness,
    need('target', 1),
  ];
  return needs.sort((a, b) => b.fds - a.fds);
}

/** The largest per-process descriptor need of `streams` concurrent streams under a layout. */
export function estimateFdNeed(streams: number, runtime: RuntimeName, layout = SINGLE_LAYOUT): FdNeed {
  return fdNeeds(streams, runtime, layout)[0]!;
}

/** Fewest processes of a component that keep each under `hardLimit` (1 when the limit is unknown). */
function processesFor(
  component: Component,
  streams: number,
  hardLimit: number | undefined,
  slack = 1,
): number {
  if (hardLimit === undefined || !Number.isFinite(hardLimit)) return 1;
  const budget = hardLimit - FD_HEADROOM;
  if (budget <= 0) return 1;
  let n = Math.max(1, Math.ceil((overlap(streams) * FDS_PER_STREAM[component]) / budget));
  // With more than one nginx worker each is sized with slack: recount until the share fits.
  while (n < 1024 && perProcess(component, streams, n, n > 1 ? slack : 1) > hardLimit) n++;
  return n;
}

/**
 * The process layout for `streams` subscribers under `hardLimit` on `cores` cores: enough
 * toxiproxy-server processes and nginx workers that each stays under the limit (local runtime; the
 * containers runtime keeps its one of each), and a fleet spread over every core once it is large
 * enough to be worth a process each (and over more when one process could not hold its share).
 */
export function planLayout(
  streams: number,
  hardLimit: number | undefined,
  runtime: RuntimeName,
  cores: number,
): ProcessLayout {
  const fleetForLimit = processesFor('harness', streams, hardLimit);
  const fleet = Math.max(fleetForLimit, streams >= FLEET_PROCESS_MIN ? Math.max(1, cores) : 1);
  if (runtime === 'containers') return { toxiproxy: 1, nginxWorkers: 1, fleet };
  return {
    toxiproxy: processesFor('toxiproxy', streams, hardLimit),
    nginxWorkers: processesFor('nginx', streams, hardLimit, NGINX_WORKER_SLACK),
    fleet,
  };
}

/** The most streams that fit under a hard limit with the stack laid out for them (0: not even the headroom fits). */
export function maxStreamsFor(hardLimit: number, runtime: RuntimeName): number {
  if (runtime === 'containers') return Infinity;
  // The target is one process: it is the only part that cannot be split.
  let n = Math.max(0, Math.floor((hardLimit - FD_HEADROOM) / (FDS_PER_STREAM.target * RECONNECT_OVERLAP)));
  while (n > 0 && perProcess('target', n, 1) > hardLimit) n--; // float rounding at the edge
  return n;
}

/** The hard "Max open files" of a /proc/<pid>/limits text; Infinity for unlimited, undefined if absent. */
export function parseProcLimitsNofile(text: string): number | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return undefined;
  return parseLimitValue(m[2]!);
}

/** A limit as `ulimit -Hn` prints it: a number or "unlimited". */
export function parseLimitValue(value: string): number | undefined {
  const v = value.trim();
  if (v === 'unlimited') return Infinity;
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * This process's hard open-file limit: /proc/self/limits on Linux, else `ulimit -Hn` in sh.
 * Undefined when neither answers (the preflight then does not judge).
 */
export async function readHardFdLimit(): Promise<number | undefined> {
  if (process.platform === 'linux') {
    const text = await readFile('/proc/self/limits', 'utf8').catch(() => undefined);
    const n = text === undefined ? undefined : parseProcLimitsNofile(text);
    if (n !== undefined) return n;
  }
  return new Promise((resolve) => {
    execFile('sh', ['-c', 'ulimit -Hn'], { timeout: 3_000 }, (err, stdout) =>
      resolve(err ? undefined : parseLimitValue(stdout)),
    );
  });
}

/** A hard limit to suggest: the next power of two above the need, at least 65,536. */
export function suggestedLimit(need: number): number {
  let n = 65_536;
  while (n < need) n *= 2;
  return n;
}

const WHO: Record<Component, string> = {
  toxiproxy:
    'a toxiproxy-server holds 4 per stream of its share: edge and origin, each with a client and an upstream side',
  nginx: 'an nginx worker holds 2 per stream of its share',
  harness: 'a fleet process holds 1 per subscriber of its share',
  target: 'the target holds 1 per stream and is one process, which sse-chaos cannot split',
};

/**
 * The preflight verdict under a layout (default: the one `planLayout` gives for this limit):
 * undefined when every process fits under `hardLimit`, else one line that names the process, its
 * need, the limit and the fixes.
 */
export function fdLimitProblem(
  scenario: string,
  streams: number,
  hardLimit: number | undefined,
  runtime: RuntimeName,
  layout: ProcessLayout = planLayout(streams, hardLimit, runtime, 1),
): string | undefined {
  if (hardLimit === undefined) return undefined;
  const need = estimateFdNeed(streams, runtime, layout);
  if (need.fds <= hardLimit) return undefined;
  const fmt = (n: number) => n.toLocaleString('en');
  const limit = suggestedLimit(need.fds);
  const split = need.processes > 1 ? ` (split over ${need.processes} processes)` : '';
  const max = maxStreamsFor(hardLimit, runtime);
  return (
    `scenario "${scenario}" needs about ${fmt(need.fds)} open files in one process for ${fmt(streams)} subscribers` +
    `${split} (${WHO[need.component]}; plus 5 % for streams that overlap in a mass reconnect and ${fmt(FD_HEADROOM)} headroom), ` +
    `but the hard open-file limit here is ${fmt(hardLimit)}. ` +
    `Raise it before starting sse-chaos: as root \`ulimit -Hn ${limit}\` in the shell that runs it ` +
    `(to persist: a \`nofile\` line in /etc/security/limits.conf, or LimitNOFILE= for a systemd service), ` +
    `or in a container \`docker run --ulimit nofile=${limit}:${limit}\`` +
    (Number.isFinite(max)
      ? `; or use a scenario with fleet.count <= ${fmt(max)}, which fits this limit.`
      : '.')
  );
}
