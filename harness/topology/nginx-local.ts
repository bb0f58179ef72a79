/**
 * nginx as a local child process: a private prefix dir (config, pid, logs, temp paths), foreground
 * master (`daemon off`), readiness on the generation probe, reload by SIGHUP, quit by SIGQUIT.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import type { NginxControl } from './topology.ts';
import { InfrastructureError } from './errors.ts';
import { guardDir, releaseDir } from './guardian.ts';
import { spawnManaged, type ManagedProcess } from './managed-process.ts';
import { nginxControl } from './nginx-control.ts';
import type { ProfileParams } from './nginx-profiles.ts';
import { renderProxyConfig } from './proxy-profiles.ts';
import type { UserPlacement, UserProxyConfig } from './user-config.ts';
import { freePort, looksLikePortClash } from './ports.ts';
import { tail } from './readiness.ts';
import { makeRunCertificate } from './tls-cert.ts';
import { waitForGeneration } from './nginx-probe.ts';

export interface LocalNginxOptions {
  binary: string;
  profile: string;
  params?: ProfileParams;
  /** The origin proxy address, `127.0.0.1:PORT`. */
  upstream: string;
  /** Several instances' origin legs (the first is `upstream`): the proxy balances over them. */
  upstreams?: readonly string[];
  /** Listen with TLS (a certificate made for this nginx, in its prefix), HTTP/2 when `http2`. */
  tls?: { http2: boolean };
  /** The user's own nginx config, run as profile `user`. */
  userConfig?: UserProxyConfig;
  /** The origin legs of further toxiproxy processes (round-robin with `upstream`). */
  moreUpstreams?: readonly string[];
  signal?: AbortSignal;
}

export interface LocalNginx {
  /** `127.0.0.1:PORT` */
  address: string;
  /** The master's pid (its process group holds the workers). */
  pid: number;
  /** With TLS: the certificate (PEM) clients must trust; removed with the prefix. */
  certificate?: string;
  control: NginxControl;
  stop(): Promise<void>;
}

function configTest(binary: string, prefix: string, conf: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      binary,
      ['-t', '-q', '-p', `${prefix}/`, '-e', join(prefix, 'logs', 'test.log'), '-c', conf],
      (err, _o, stderr) => resolve(err ? stderr || err.message : undefined),
    );
  });
}

export async function startLocalNginx(options: LocalNginxOptions): Promise<LocalNginx> {
  const { binary, upstream, moreUpstreams, signal } = options;
  const prefix = await mkdtemp(join(tmpdir(), 'sse-chaos-nginx-'));
  guardDir(prefix);
  // Workers may run as another user when we are root: they need to traverse the prefix.
  await chmod(prefix, 0o755);
  await Promise.all([mkdir(join(prefix, 'logs')), mkdir(join(prefix, 'temp'))]);
  const confPath = join(prefix, 'nginx.conf');
  const errorLogPath = join(prefix, 'logs', 'error.log');
  let lastErrorLog = '';
  const readErrorLog = async (): Promise<string> => {
    lastErrorLog = await readFile(errorLogPath, 'utf8').catch(() => lastErrorLog);
    return lastErrorLog;
  };

  const removePrefix = async (): Promise<void> => {
    await readErrorLog(); // Keep it for the report after the dir is gone.
    await rm(prefix, { recursive: true, force: true });
    releaseDir(prefix);
  };

  let proc: ManagedProcess | undefined;
  let address = '';
  let tls: UserPlacement['tls'];
  let certificate: string | undefined;
  const { profile, params } = options;
  const generation = 1;
  let config = '';
  const renderAt =
    (listen: string) =>
    (p: string, g: number, par: ProfileParams | undefined): string =>
      renderProxyConfig(
        { kind: 'nginx', ...(options.userConfig ? { userConfig: options.userConfig } : {}) },
        p,
        {
          listen,
          upstream,
          ...(options.upstreams ? { upstreams: options.upstreams } : {}),
          admin: '',
          ...(moreUpstreams?.length ? { moreUpstreams } : {}),
          pidPath: join(prefix, 'nginx.pid'),
          errorLog: errorLogPath,
          accessLog: join(prefix, 'logs', 'access.log'),
          tempDir: join(prefix, 'temp'),
          ...(tls ? { tls } : {}),
        } satisfies UserPlacement,
        g,
        par,
      );
  let render = renderAt('');

  try {
    if (options.tls) {
      const cert = await makeRunCertificate(prefix);
      tls = { certPath: cert.certPath, keyPath: cert.keyPath, http2: options.tls.http2 };
      certificate = cert.certificate;
    }
    for (let attempt = 1; ; attempt++) {
      address = `127.0.0.1:${await freePort()}`;
      render = renderAt(address);
      config = render(profile, generation, params);
      await writeFile(confPath, config);
      proc = spawnManaged('nginx', binary, [
        '-p',
        `${prefix}/`,
        '-e',
        errorLogPath,
        '-c',
        confPath,
        '-g',
        'daemon off;',
      ]);
      const p = proc;
      try {
        await waitForGeneration({
          address,
          ...(tls ? { tls: true } : {}),
          profile,
          generation,
          exited: p.exited,
          logTail: () => `${p.output()}${lastErrorLog}`,
          signal,
        });
        break;
      } catch (err) {
        await p.stop(500);
        const log = `${p.output()}\n${await readErrorLog()}`;
        if (attempt < 3 && looksLikePortClash(log)) continue;
        throw new InfrastructureError(
          'nginx',
          `did not start with profile "${profile}": ${(err as Error).message.split('\n')[0]}`,
          tail(log),
          {
            cause: err,
          },
        );
      }
    }
  } catch (err) {
    await removePrefix();
    throw err;
  }
  const master = proc;

  const control = nginxControl(
    {
      address,
      ...(tls ? { tls: true } : {}),
      writeConfig: (text) => writeFile(confPath, text),
      testConfig: () => configTest(binary, prefix, confPath),
      signalReload: async () => void master.kill('SIGHUP'),
      signalQuit: async () => void master.kill('SIGQUIT'),
      errorLog: readErrorLog,
      exited: master.exited,
    },
    { profile, params, config, generation, render },
  );
  return {
    address,
    pid: master.pid,
    ...(certificate !== undefined ? { certificate } : {}),
    control,
    async stop() {
      // SIGTERM is nginx's fast shutdown: it does not wait for open streams.
      await master.stop(2_000);
      await removePrefix();
    },
  };
}
