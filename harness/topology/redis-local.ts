/**
 * redis-server as a local child process: the shared log of a multi-instance target. A free loopback
 * port, a private temp dir (its AOF, when it persists), its own process group (the guardian kills it
 * if we die), stopped by the stack's Owner like nginx and toxiproxy. A restart reuses the port and
 * the dir, so with persistence the log survives and the instances reconnect to it.
 *
 * Debian's redis-server (7.0): `apt-get install -y redis-server`. SSE_CHAOS_REDIS names another binary.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExecutable, onPath, run } from './binaries.ts';
import { InfrastructureError } from './errors.ts';
import { guardDir, releaseDir } from './guardian.ts';
import { spawnManaged, type ExitInfo, type ManagedProcess } from './managed-process.ts';
import { freePort, looksLikePortClash } from './ports.ts';
import { tail, withTimeout } from './readiness.ts';

export type RedisPersistence = 'none' | 'aof-always';

/** What faults use of the stack's Redis. */
export interface RedisControl {
  /** redis-server's own `127.0.0.1:PORT` (the instances reach it through the `redis` leg). */
  readonly address: string;
  readonly persistence: RedisPersistence;
  readonly running: boolean;
  /** `redis-server 7.0.15`. */
  readonly version: string;
  /** Stops it: SIGTERM (with persistence it completes the AOF) or SIGKILL; resolves on exit. */
  stop(signal?: 'SIGTERM' | 'SIGKILL', timeoutMs?: number): Promise<ExitInfo | undefined>;
  /** Starts it again on the same port and dir; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Everything it printed, across restarts. */
  logs(): string;
}

export interface LocalRedis {
  control: RedisControl;
  pid(): number | undefined;
  /** Stops it and removes its dir (the Owner's step). */
  stop(): Promise<void>;
}

/** The redis-server binary: SSE_CHAOS_REDIS, then PATH, then Debian's path; undefined when absent. */
export function locateRedisServer(
  env = process.env,
  debianPath = '/usr/bin/redis-server',
): string | undefined {
  const candidates = [env.SSE_CHAOS_REDIS, ...onPath('redis-server', env.PATH), debianPath];
  return candidates.find((c): c is string => !!c && isExecutable(c));
}

/** Why the stack cannot start a Redis here (a skip reason), or undefined. */
export function redisMissing(env = process.env, debianPath?: string): string | undefined {
  return locateRedisServer(env, debianPath)
    ? undefined
    : 'redis-server (the shared log of several instances): apt-get install -y redis-server, or set SSE_CHAOS_REDIS';
}

/** redis-server's flags for a port, dir and persistence (pure). */
export function redisArgs(port: number, dir: string, persistence: RedisPersistence): string[] {
  const durability =
    persistence === 'aof-always'
      ? ['--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    ...durability,
    // Runs in the foreground with no config file; nothing else on the machine may reach it.
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
  ];
}

async function waitReady(proc: ManagedProcess, signal?: AbortSignal): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if (/Ready to accept connections/.test(proc.output())) return;
    if (!proc.running) throw new Error('redis-server exited before it accepted connections');
    if (signal?.aborted) throw new Error('start aborted');
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('redis-server did not accept connections within 15 s');
}

export async function startLocalRedis(options: {
  persistence?: RedisPersistence;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}): Promise<LocalRedis> {
  const persistence = options.persistence ?? 'none';
  const binary = locateRedisServer(options.env);
  if (!binary) throw new InfrastructureError('redis', `not installed: ${redisMissing(options.env)}`);
  const version = /v=(\d+\.\d+\.\d+)/.exec(await run(binary, ['--version']))?.[1] ?? 'unknown';
  const dir = await mkdtemp(join(tmpdir(), 'sse-chaos-redis-'));
  guardDir(dir);
  let previous = '';
  let port = 0;
  let proc: ManagedProcess | undefined;

  /** One launch on `port`; false when the port was taken (worth another). */
  const launch = async (): Promise<boolean> => {
    const p = spawnManaged('redis', binary, redisArgs(port, dir, persistence), { cwd: dir });
    try {
      await waitReady(p, options.signal);
      proc = p;
      return true;
    } catch (err) {
      await p.stop(500);
      previous += p.output();
      if (looksLikePortClash(p.output())) return false;
      throw new InfrastructureError('redis', (err as Error).message, tail(p.output()));
    }
  };
  const removeDir = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
    releaseDir(dir);
  };

  try {
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      if (await launch()) break;
      if (attempt === 3)
        throw new InfrastructureError('redis', 'no free port after 3 attempts', tail(previous));
    }
  } catch (err) {
    await removeDir();
    throw err;
  }

  const control: RedisControl = {
    address: `127.0.0.1:${port}`,
    persistence,
    version: `redis-server ${version}`,
    get running() {
      return proc?.running ?? false;
    },
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      const p = proc;
      if (!p) return undefined;
      p.kill(signal);
      const exit = await withTimeout(p.exited, timeoutMs);
      if (!exit) return undefined;
      await p.stop(0); // releases the group
      previous += p.output();
      proc = undefined;
      return exit;
    },
    async start() {
      if (proc?.running) throw new InfrastructureError('redis', 'start: redis-server is already running');
      if (!(await launch()))
        throw new InfrastructureError(
          'redis',
          `start: port ${port} was taken while it was down`,
          tail(previous),
        );
    },
    logs: () => previous + (proc?.output() ?? ''),
  };
  return {
    control,
    pid: () => (proc?.running ? proc.pid : undefined),
    async stop() {
      const p = proc;
      proc = undefined;
      if (p) {
        await p.stop(2_000);
        previous += p.output();
      }
      await removeDir();
    },
  };
}
