/**
 * A real redis-server for tests: its own process group (the harness's managed process, so the
 * guardian kills it even if the test runner dies), a free loopback port, a temp dir, stopped and
 * removed after each test. `persist` (default) runs it with `appendonly yes` + `appendfsync always`,
 * so what Redis confirmed survives a stop and start; without it a restart loses everything.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { spawnManaged, type ManagedProcess } from '../../harness/topology/managed-process.ts';
import { freePort, looksLikePortClash } from '../../harness/topology/ports.ts';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** SIGTERM and wait (with persistence, the AOF is complete). */
  stop(): Promise<void>;
  /** Starts it again on the same port and dir. */
  start(): Promise<void>;
  /** SIGSTOP: the process holds its sockets but answers nothing (a partition). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
}

function redisServerBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('redis-server is not installed: on Debian/Ubuntu run `apt-get install -y redis-server`');
  }
}

async function waitReady(proc: ManagedProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (/Ready to accept connections/.test(proc.output())) return;
    if (!proc.running) throw new Error(`redis-server exited:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`redis-server not ready within 15 s:\n${proc.output()}`);
}

/** Owns every redis-server a test file starts; each is stopped and its dir removed after each test. */
export function useRedis() {
  const owned: { procs: Set<ManagedProcess>; dir: string }[] = [];
  afterEach(async () => {
    for (const o of owned.splice(0)) {
      for (const p of o.procs) {
        p.kill('SIGCONT');
        await p.stop(500);
      }
      await rm(o.dir, { recursive: true, force: true });
    }
  });
  return {
    async start(options: { persist?: boolean } = {}): Promise<RedisServer> {
      const binary = redisServerBinary();
      const dir = await mkdtemp(join(tmpdir(), 'sse-redis-'));
      const entry = { procs: new Set<ManagedProcess>(), dir };
      owned.push(entry);
      const durability =
        options.persist === false
          ? ['--appendonly', 'no']
          : ['--appendonly', 'yes', '--appendfsync', 'always'];
      let port = 0;
      let current: ManagedProcess | undefined;
      const launch = async (): Promise<boolean> => {
        const proc = spawnManaged(
          'redis-server',
          binary,
          ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...durability],
          { cwd: dir },
        );
        entry.procs.add(proc);
        try {
          await waitReady(proc);
          current = proc;
          return true;
        } catch (err) {
          await proc.stop(500);
          entry.procs.delete(proc);
          if (looksLikePortClash(proc.output())) return false;
          throw err;
        }
      };
      for (let attempt = 0; ; attempt += 1) {
        port = await freePort();
        if (await launch()) break;
        if (attempt === 4) throw new Error('redis-server: no free port after 5 attempts');
      }
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        async stop() {
          const p = current;
          current = undefined;
          if (!p) return;
          await p.stop(5_000);
          entry.procs.delete(p);
        },
        async start() {
          if (current) throw new Error('redis-server is already running');
          if (!(await launch())) throw new Error(`redis-server: port ${port} was taken meanwhile`);
        },
        freeze: () => current?.kill('SIGSTOP'),
        thaw: () => current?.kill('SIGCONT'),
      };
    },
  };
}
