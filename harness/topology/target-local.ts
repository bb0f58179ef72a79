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
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The reference server's flags for its options (pure). */
export function referenceArgs(options: ReferenceOptions, port: number, logPath: string): string[] {
  const args = ['--host', '127.0.0.1', '--port', String(port)];
  for (const [key, value] of Object.entries(options)) {
    if (key === 'extraArgs' || value === undefined) continue;
    args.push(`--${kebab(key)}`, String(value));
  }
  if (options.log === 'file') args.push('--log-path', logPath);
  return [...args, ...(options.extraArgs ?? [])];
}

interface Launch {
  file: string;
  args: string[];
  cwd: string | undefined;
  env: NodeJS.ProcessEnv;
}

function launchFor(spec: TargetSpec, port: number, workDir: string): Launch {
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
        ...referenceArgs(spec.options, port, join(workDir, 'events.log')),
      ],
      cwd: packageRoot,
      env: process.env,
    };
  }
  if (spec.kind === 'command') {
    const argv = spec.command.map((a) => a.replaceAll('{port}', String(port)));
    return {
      file: argv[0]!,
      args: argv.slice(1),
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, PORT: String(port) },
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

  const launch = async (): Promise<string> => {
    const l = launchFor(spec, port, options.workDir);
    const p = spawnManaged('target', l.file, l.args, { cwd: l.cwd, env: l.env });
    proc = p;
    const logTail = (): string => tail(p.output());
    try {
      let base = `http://127.0.0.1:${port}`;
      if (spec.kind === 'reference' || spec.kind === 'zoo') {
        const announced = await withTimeout(
          Promise.race([listeningUrl(p), p.exited.then(() => undefined)]),
          20_000,
        );
        if (!announced)
          throw new InfrastructureError(
            'target',
            'the reference server did not print its "listening" line',
            logTail(),
          );
        base = announced.replace(/\/$/, '');
        port = Number(new URL(base).port);
      }
      await waitUntil({
        component: 'target',
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
        : new InfrastructureError('target', (err as Error).message, logTail());
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
    address: `127.0.0.1:${port}`,
    control,
    pid: () => proc.pid,
    stop: async () => {
      await proc.stop(stopGraceMs);
    },
  };
}
