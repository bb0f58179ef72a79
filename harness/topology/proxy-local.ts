/**
 * HAProxy and Caddy as local child processes: a private prefix (config, Caddy's data), a foreground
 * process in its own group, readiness on the generation probe, and each kind's one control protocol:
 *
 *   render generation g+1 -> write -> syntax check (on failure: restore the old config, keep the old
 *   profile, quote the proxy) -> reload (HAProxy: SIGUSR2 to the master, which forks a new worker and
 *   soft-stops the old one; Caddy: POST /load to its admin API) -> the probe answers the new
 *   generation -> the old config stopped accepting (HAProxy logs "Proxy ... stopped" for the old
 *   worker; Caddy's /load returns once the new config owns the listener)
 *
 * Open streams keep HAProxy's old worker until they end, like nginx's reload; Caddy 2.6 ends every
 * open stream of the old config on a reload (checked; 2.7 added `stream_close_delay` for this).
 * Quit is HAProxy's SIGUSR1 / Caddy's SIGINT: stop accepting, wait for open streams.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfrastructureError } from './errors.ts';
import { guardDir, releaseDir } from './guardian.ts';
import { spawnManaged, type ManagedProcess } from './managed-process.ts';
import type { ProfileParams } from './nginx-profiles.ts';
import { waitForGeneration } from './nginx-probe.ts';
import { freePort, looksLikePortClash } from './ports.ts';
import { renderProxyConfig } from './proxy-profiles.ts';
import { caddyEnv, FILE_NAMES, runSyntaxCheck } from './proxy-syntax.ts';
import { tail, waitUntil, withTimeout } from './readiness.ts';
import type { ProxyControl } from './topology.ts';
import type { UserPlacement, UserProxyConfig } from './user-config.ts';

export interface LocalProxyOptions {
  kind: 'haproxy' | 'caddy';
  binary: string;
  profile: string;
  params?: ProfileParams;
  /** The origin leg, `127.0.0.1:PORT`. */
  upstream: string;
  /** Several instances' origin legs (the first is `upstream`): the proxy balances over them. */
  upstreams?: readonly string[];
  userConfig?: UserProxyConfig;
  signal?: AbortSignal;
}

export interface LocalProxy {
  /** `127.0.0.1:PORT` */
  address: string;
  pid: number;
  control: ProxyControl;
  stop(): Promise<void>;
}

/** How many times the log holds a pattern (the reload protocol counts "Loading success." and the like). */
const count = (log: string, pattern: RegExp): number => log.match(new RegExp(pattern, 'g'))?.length ?? 0;

/** HAProxy's current worker: the last one the master forked. */
function currentWorker(log: string): string | undefined {
  return [...log.matchAll(/New worker \((\d+)\) forked/g)].at(-1)?.[1];
}

export async function startLocalProxy(options: LocalProxyOptions): Promise<LocalProxy> {
  const { kind, binary, upstream, signal } = options;
  const prefix = await mkdtemp(join(tmpdir(), `sse-chaos-${kind}-`));
  guardDir(prefix);
  const removePrefix = async (): Promise<void> => {
    await rm(prefix, { recursive: true, force: true });
    releaseDir(prefix);
  };
  await mkdir(join(prefix, 'temp'));
  const confPath = join(prefix, FILE_NAMES[kind]);
  const env = kind === 'caddy' ? caddyEnv(prefix) : process.env;
  const renderSpec = { kind, ...(options.userConfig ? { userConfig: options.userConfig } : {}) };

  let placement: UserPlacement | undefined;
  const render = (p: string, g: number, par: ProfileParams | undefined): string =>
    renderProxyConfig(renderSpec, p, placement!, g, par);
  let proc: ManagedProcess | undefined;
  let address = '';
  let config = '';
  let { profile, params } = options;
  let generation = 1;

  try {
    for (let attempt = 1; ; attempt++) {
      address = `127.0.0.1:${await freePort()}`;
      placement = {
        listen: address,
        upstream,
        ...(options.upstreams ? { upstreams: options.upstreams } : {}),
        admin: `127.0.0.1:${await freePort()}`,
        pidPath: join(prefix, 'proxy.pid'),
        errorLog: join(prefix, 'error.log'),
        accessLog: 'off',
        tempDir: join(prefix, 'temp'),
      };
      config = render(profile, generation, params);
      await writeFile(confPath, config);
      const args =
        kind === 'haproxy'
          ? ['-W', '-db', '-f', confPath]
          : ['run', '--config', confPath, '--adapter', 'caddyfile'];
      proc = spawnManaged(kind, binary, args, { env });
      const p = proc;
      try {
        await waitForGeneration({
          address,
          profile,
          generation,
          exited: p.exited,
          logTail: () => p.output(),
          signal,
        });
        break;
      } catch (err) {
        await p.stop(500);
        if (attempt < 3 && looksLikePortClash(p.output())) continue;
        throw new InfrastructureError(
          kind,
          `did not start with profile "${profile}": ${(err as Error).message.split('\n')[0]}`,
          tail(p.output()),
          { cause: err },
        );
      }
    }
  } catch (err) {
    await removePrefix();
    throw err;
  }
  const master = proc;
  const admin = placement.admin;
  let exited = false;
  void master.exited.then(() => (exited = true));

  /** Applies the config just written; resolves when the old one no longer accepts. */
  const apply = async (text: string): Promise<void> => {
    if (kind === 'caddy') {
      const res = await fetch(`http://${admin}/load`, {
        method: 'POST',
        headers: { 'content-type': 'text/caddyfile' },
        body: text,
      });
      if (!res.ok)
        throw new InfrastructureError('caddy', `POST /load answered ${res.status}: ${await res.text()}`);
      return;
    }
    const before = master.output();
    const old = currentWorker(before);
    const loads = count(before, /Loading (success|failure)/);
    master.kill('SIGUSR2');
    await waitUntil({
      component: 'haproxy',
      what: `the master reloads and the old worker ${old ?? '?'} stops its proxies`,
      check: async () => {
        const log = master.output();
        if (count(log, /Loading (success|failure)/) <= loads) return false;
        if (/Loading failure/.test(log.slice(before.length)))
          throw new InfrastructureError(
            'haproxy',
            'the reload failed; the old worker keeps serving',
            tail(log),
          );
        return old === undefined || new RegExp(`\\(${old}\\) : Proxy \\S+ stopped`).test(log);
      },
      exited: master.exited,
      logTail: () => master.output(),
      timeoutMs: 10_000,
    });
  };

  const control: ProxyControl = {
    kind,
    get profile() {
      return profile;
    },
    get config() {
      return config;
    },
    async reload(next: string, nextParams?: ProfileParams) {
      if (exited)
        throw new InfrastructureError(kind, `cannot reload: ${kind} is not running`, tail(master.output()));
      const useParams = nextParams ?? params;
      const rendered = render(next, generation + 1, useParams);
      await writeFile(confPath, rendered);
      const problem = await runSyntaxCheck(kind, binary, confPath, prefix);
      if (problem) {
        await writeFile(confPath, config);
        throw new InfrastructureError(
          kind,
          `profile "${next}" does not pass its syntax check; kept "${profile}"`,
          problem,
        );
      }
      await apply(rendered);
      await waitForGeneration({
        address,
        profile: next,
        generation: generation + 1,
        exited: master.exited,
        logTail: () => master.output(),
      });
      generation += 1;
      profile = next;
      params = useParams;
      config = rendered;
    },
    quit: async () => master.kill(kind === 'haproxy' ? 'SIGUSR1' : 'SIGINT'),
    errorLog: async () => master.output(),
    waitExit: (timeoutMs: number) => withTimeout(master.exited, timeoutMs),
  };
  return {
    address,
    pid: master.pid,
    control,
    async stop() {
      await master.stop(2_000);
      await removePrefix();
    },
  };
}
