/**
 * The reference server as a container (its image from docker/server.Dockerfile) on the run's
 * network, alias `server`: the origin leg reaches it without a tunnel. Target faults work on the
 * container: SIGTERM/SIGKILL are `docker kill --signal`, restart is `docker start` of the same
 * container, so its /data volume (the file journal) and its host port survive, like a local restart.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { StartedTestContainer } from 'testcontainers';
import type { TargetControl } from '../topology.ts';
import { httpGet, waitUntil, withTimeout } from '../readiness.ts';
import { referenceArgs } from '../target-local.ts';
import type { ReferenceOptions } from '../target.ts';
import type { Docker } from './image-store.ts';
import { loadTestcontainers } from './testcontainers-env.ts';

export const SERVER_ALIAS = 'server';
export const SERVER_PORT = 8080;

export interface ContainerTarget {
  /** Direct URL from this host (publish, metrics). */
  baseUrl: string;
  /** Where the origin leg finds it inside the network. */
  upstream: string;
  container: StartedTestContainer;
  control: TargetControl;
  stop(): Promise<void>;
}

type Exit = { code: number | null; signal: string | null };

/** Container exit status -> what a process exit looks like (137 = killed by SIGKILL). */
export function exitFromStatus(status: number): Exit {
  if (status > 128) {
    const name = Object.entries(constants.signals).find(([, n]) => n === status - 128)?.[0];
    if (name) return { code: null, signal: name };
  }
  return { code: status, signal: null };
}

/** True when nothing listens on `port` on any interface (Docker publishes on 0.0.0.0). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * A host port for the server that stays ours while the container is down for a restart: below the
 * kernel's ephemeral range, so no outgoing connection on the machine can take it meanwhile (only a
 * process binding that very port could).
 */
export async function stableHostPort(random = Math.random): Promise<number> {
  let low = 32768;
  try {
    low =
      Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // Not Linux: the common default.
  }
  const from = Math.max(1024, Math.min(20_000, low - 2_000));
  for (let i = 0; i < 50; i++) {
    const port = from + Math.floor(random() * (low - from));
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port between ${from} and ${low} for the server container`);
}

/** The server's flags inside its container: all interfaces, the image's port, the journal in /data. */
export function containerServerArgs(options: ReferenceOptions): string[] {
  const args = referenceArgs(options, SERVER_PORT, '/data/events.log');
  return ['--host', '0.0.0.0', ...args.slice(2)];
}

export async function startContainerTarget(opts: {
  docker: Docker;
  image: string;
  network: string;
  labels: Record<string, string>;
  options: ReferenceOptions;
  signal?: AbortSignal;
}): Promise<ContainerTarget> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  let logText = '';
  const collect = (stream: Readable): void => {
    stream.on('data', (c: Buffer | string) => {
      logText += c.toString();
      if (logText.length > 1 << 20) logText = logText.slice(-(1 << 20));
    });
  };
  // A fixed host port: `docker start` after a kill keeps it, so the publish URL stays valid.
  const hostPort = await stableHostPort();
  const container = await new GenericContainer(opts.image)
    .withNetworkMode(opts.network)
    .withNetworkAliases(SERVER_ALIAS)
    .withExposedPorts({ container: SERVER_PORT, host: hostPort })
    .withCommand(containerServerArgs(opts.options))
    .withLabels(opts.labels)
    .withLogConsumer(collect)
    .withWaitStrategy(Wait.forHttp('/readyz', SERVER_PORT).forStatusCode(200))
    .start();
  const baseUrl = `http://${container.getHost()}:${hostPort}`;
  const handle = opts.docker.getContainer(container.getId());

  let running = true;
  let exited: Promise<Exit>;
  const watch = (): void => {
    exited = (handle.wait() as Promise<{ StatusCode: number }>).then(
      (r) => {
        running = false;
        return exitFromStatus(r.StatusCode);
      },
      () => {
        running = false;
        return { code: null, signal: null };
      },
    );
  };
  watch();

  const control: TargetControl = {
    kill(signal) {
      handle.kill({ signal }).catch(() => {}); // Already stopped: nothing to signal.
    },
    waitExit: (timeoutMs) => withTimeout(exited, timeoutMs),
    async restart() {
      if (running) {
        await handle.kill({ signal: 'SIGTERM' }).catch(() => {});
        if (!(await withTimeout(exited, 10_000))) await handle.kill({ signal: 'SIGKILL' }).catch(() => {});
        await exited;
      }
      const since = Math.floor(Date.now() / 1000);
      await handle.start();
      running = true;
      watch();
      collect(await container.logs({ since }));
      await waitUntil({
        component: 'target',
        what: `GET ${baseUrl}/readyz answers 200 after the restart`,
        check: async () => (await httpGet(`${baseUrl}/readyz`)).status === 200,
        exited,
        logTail: () => logText,
        timeoutMs: 30_000,
        signal: opts.signal,
      });
    },
    get running() {
      return running;
    },
    logs: () => logText,
  };
  return {
    baseUrl,
    upstream: `${SERVER_ALIAS}:${SERVER_PORT}`,
    container,
    control,
    stop: async () => {
      await container.stop().catch(() => {});
    },
  };
}
