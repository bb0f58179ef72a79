/**
 * The target as a local child process (reference server or a user's command), or a URL we only
 * check. Restart reuses the port and the event log, so clients resume with Last-Event-ID.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetControl } from './topology.ts';
import { codeRoot, fromSource, nodeEntry, packageRoot } from '../package-layout.ts';
import { InfrastructureError } from './errors.ts';
import { spawnManaged, type ManagedProcess } from './managed-process.ts';
import { freePort } from './ports.ts';
import { httpGet, tail, waitUntil, withTimeout } from './readiness.ts';
import { urlTarget } from './target-url.ts';
import { targetEndpoints, type ReferenceOptions, type TargetSpec } from './target.ts';

export interface LocalTarget {
  baseUrl: string;
  /** `127.0.0.1:PORT` (the origin proxy's upstream). */
  address: string;
  control: TargetControl;
  /** The current process's pid (undefined for url targets). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

export interface LocalTargetOptions {
  /** A private dir for the event log file (kept across restarts by the caller). */
  workDir: string;
  signal?: AbortSignal;
  /** How long SIGTERM may take on stop() before SIGKILL. Default 3000 ms. */
  stopGraceMs?: number;
  /**
   * Where it listens and is reached (default 127.0.0.1 for all three). In a network namespace it
   * listens on every address of the namespace (`bind` 0.0.0.0), is reached for publishes, metrics and
   * readiness on the control link (`host`), and by the proxy's origin leg on the data link, the one
   * packet faults act on (`upstreamHost`).
   */
  host?: string;
  bind?: string;
  upstreamHost?: string;
  /** A command prefix it runs under (`ip netns exec NAME`: inside a network namespace). */
  wrap?: readonly string[];
  /** The shared Redis log (`redis://HOST:PORT`), for `log: 'redis'`. */
  redisUrl?: string;
  /** Its name in process listings and errors (an instance's, `instance-2`). Default `target`. */
  name?: string;
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Options the harness acts on itself: they are not flags of the server. */
const HARNESS_SIDE = new Set(['extraArgs', 'instances', 'redisPersistence']);

/** The reference server's flags for its options (pure). */
export function referenceArgs(
  options: ReferenceOptions,
  port: number,
  logPath: string,
  where: { host?: string; redisUrl?: string } = {},
): string[] {
  const args = ['--host', where.host ?? '127.0.0.1', '--port', String(port)];
  for (const [key, value] of Object.entries(options)) {
    if (HARNESS_SIDE.has(key) || value === undefined) continue;
    args.push(`--${kebab(key)}`, String(value));
  }
  if (options.log === 'file') args.push('--log-path', logPath);
  if (options.log === 'redis') {
    if (!where.redisUrl)
      throw new InfrastructureError('target', "log 'redis' without a Redis to point it at");
    args.push('--redis-url', where.redisUrl);
  }
  return [...args, ...(options.extraArgs ?? [])];
}

interface Launch {
  file: string;
  args: string[];
  cwd: string | undefined;
  env: NodeJS.ProcessEnv;
}

function launchFor(spec: TargetSpec, port: number, o: LocalTargetOptions): Launch {
  const l = launchOf(spec, port, o);
  if (!o.wrap?.length) return l;
  return { ...l, file: o.wrap[0]!, args: [...o.wrap.slice(1), l.file, ...l.args] };
}

function launchOf(spec: TargetSpec, port: number, o: LocalTargetOptions): Launch {
  const workDir = o.workDir;
  if (spec.kind === 'reference' || spec.kind === 'zoo') {
    const entry = spec.kind === 'zoo' ? 'zoo/main' : 'server/main';
    const main = join(codeRoot, `${entry}.${fromSource ? 'ts' : 'js'}`);
    const what = spec.kind === 'zoo' ? 'the defect zoo' : 'the reference server';
    if (!existsSync(main)) throw new InfrastructureError('target', `${what} ${main} does not exist`);
    const defect = spec.kind === 'zoo' ? ['--defect', spec.defect] : [];
    return {
      file: process.execPath,
      args: [
        ...nodeEntry(entry),
        ...defect,
        ...referenceArgs(spec.options, port, join(workDir, 'events.log'), {
          ...((o.bind ?? o.host) ? { host: o.bind ?? o.host } : {}),
          ...(o.redisUrl ? { redisUrl: o.redisUrl } : {}),
        }),
      ],
      cwd: packageRoot,
      env: process.env,
    };
  }
  if (spec.kind === 'command') {
    const host = o.bind ?? o.host ?? '127.0.0.1';
    const argv = spec.command.map((a) => a.replaceAll('{port}', String(port)).replaceAll('{host}', host));
    return {
      file: argv[0]!,
      args: argv.slice(1),
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, PORT: String(port), HOST: host },
    };
  }
  throw new Error('a url target has no process');
}

/** Resolves with the URL from the reference server's `{"msg":"listening","url":...}` line. */
function listeningUrl(proc: ManagedProcess): Promise<string> {
  return new Promise((resolve) => {
    proc.onLine((line) => {
      if (!line.includes('listening')) return;
      try {
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg === 'listening' && typeof parsed.url === 'string') resolve(parsed.url);
      } catch {
        // Not JSON: not the line we want.
      }
    });
  });
}

export async function startLocalTarget(spec: TargetSpec, options: LocalTargetOptions): Promise<LocalTarget> {
  const { readyPath } = targetEndpoints(spec);
  const stopGraceMs = options.stopGraceMs ?? 3_000;

  if (spec.kind === 'url') return urlTarget(spec, options.signal);

  let port = spec.kind === 'command' ? (spec.port ?? (await freePort())) : 0;
  let previousLogs = '';
  let proc: ManagedProcess;

  const host = options.host ?? '127.0.0.1';
  const name = options.name ?? 'target';
  const launch = async (): Promise<string> => {
    const l = launchFor(spec, port, options);
    const p = spawnManaged(name, l.file, l.args, { cwd: l.cwd, env: l.env });
    proc = p;
    const logTail = (): string => tail(p.output());
    try {
      let base = `http://${host}:${port}`;
      if (spec.kind === 'reference' || spec.kind === 'zoo') {
        const announced = await withTimeout(
          Promise.race([listeningUrl(p), p.exited.then(() => undefined)]),
          20_000,
        );
        if (!announced)
          throw new InfrastructureError(
            name,
            'the reference server did not print its "listening" line',
            logTail(),
          );
        port = Number(new URL(announced).port);
        base = options.bind ? `http://${host}:${port}` : announced.replace(/\/$/, '');
      }
      await waitUntil({
        component: name,
        what: `GET ${base}${readyPath ?? '/'} answers ${readyPath === '/readyz' ? '200' : 'below 500'}`,
        check: async () => {
          const { status } = await httpGet(`${base}${readyPath ?? '/'}`);
          return spec.kind === 'reference' || spec.kind === 'zoo' ? status === 200 : status < 500;
        },
        exited: p.exited,
        logTail: () => p.output(),
        timeoutMs: spec.kind === 'command' ? (spec.readyTimeoutMs ?? 20_000) : 20_000,
        signal: options.signal,
      });
      return base;
    } catch (err) {
      await p.stop(500);
      throw err instanceof InfrastructureError
        ? err
        : new InfrastructureError(name, (err as Error).message, logTail());
    }
  };

  const baseUrl = await launch();
  const control: TargetControl = {
    kill(signal) {
      proc.kill(signal);
    },
    waitExit: (timeoutMs) => withTimeout(proc.exited, timeoutMs),
    async restart() {
      await proc.stop(stopGraceMs);
      previousLogs += proc.output();
      await launch();
    },
    get running() {
      return proc.running;
    },
    logs: () => previousLogs + proc.output(),
  };
  return {
    baseUrl,
    address: `${options.upstreamHost ?? host}:${port}`,
    control,
    pid: () => proc.pid,
    stop: async () => {
      await proc.stop(stopGraceMs);
    },
  };
}
