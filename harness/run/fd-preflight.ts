/**
 * The open-file preflight: a fleet of N streams needs file descriptors in every process it passes
 * through, and the busiest one is toxiproxy-server (edge and origin, each with a client and an
 * upstream side: 4 per stream, all in one process). A limit that is too low does not fail cleanly: it
 * fails halfway through the ramp, as accept errors in toxiproxy and a run that means nothing. So the
 * runner compares the need with the hard limit before it starts anything. Only the hard limit
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

export interface FdNeed {
  /** The process that needs the most descriptors (the one the limit binds on). */
  component: keyof typeof FDS_PER_STREAM;
  /** Its descriptor count, headroom included. */
  fds: number;
  /** Descriptors it holds per stream. */
  perStream: number;
}

/**
 * The largest per-process descriptor need of `streams` concurrent streams. With the `containers`
 * runtime the stack runs under the container engine's limits; only the harness process (one socket
 * per subscriber) lives under this machine's.
 */
export function estimateFdNeed(streams: number, runtime: RuntimeName): FdNeed {
  const component = runtime === 'containers' ? 'harness' : 'toxiproxy';
  const perStream = FDS_PER_STREAM[component];
  return { component, fds: Math.ceil(streams * RECONNECT_OVERLAP * perStream) + FD_HEADROOM, perStream };
}

/** The most streams that fit under a hard limit (0 when not even the headroom fits). */
export function maxStreamsFor(hardLimit: number, runtime: RuntimeName): number {
  const { perStream } = estimateFdNeed(0, runtime);
  let n = Math.max(0, Math.floor((hardLimit - FD_HEADROOM) / (perStream * RECONNECT_OVERLAP)));
  while (n > 0 && estimateFdNeed(n, runtime).fds > hardLimit) n--; // float rounding at the edge
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

/**
 * The preflight verdict: undefined when `streams` fit under `hardLimit`, else one line that names the
 * need, the limit and the fixes.
 */
export function fdLimitProblem(
  scenario: string,
  streams: number,
  hardLimit: number | undefined,
  runtime: RuntimeName,
): string | undefined {
  if (hardLimit === undefined) return undefined;
  const need = estimateFdNeed(streams, runtime);
  if (need.fds <= hardLimit) return undefined;
  const fmt = (n: number) => n.toLocaleString('en');
  const who =
    need.component === 'toxiproxy'
      ? `toxiproxy-server holds ${need.perStream} per stream: edge and origin, each with a client and an upstream side`
      : `the harness holds ${need.perStream} per subscriber`;
  const limit = suggestedLimit(need.fds);
  return (
    `scenario "${scenario}" needs about ${fmt(need.fds)} open files in one process for ${fmt(streams)} subscribers ` +
    `(${who}; plus 5 % for streams that overlap in a mass reconnect and ${fmt(FD_HEADROOM)} headroom), but the hard open-file limit here is ${fmt(hardLimit)}. ` +
    `Raise it before starting sse-chaos: as root \`ulimit -Hn ${limit}\` in the shell that runs it ` +
    `(to persist: a \`nofile\` line in /etc/security/limits.conf, or LimitNOFILE= for a systemd service), ` +
    `or in a container \`docker run --ulimit nofile=${limit}:${limit}\`; ` +
    `or use a scenario with fleet.count <= ${fmt(maxStreamsFor(hardLimit, runtime))}, which fits this limit.`
  );
}
