/**
 * Each proxy's own syntax check, run on a config before it goes live (and on the user's config
 * before a run starts): `nginx -t`, `haproxy -c -f`, `caddy validate`. The answer is the proxy's own
 * words, or undefined when the config passes.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateCaddy, locateHaproxy, locateNginx } from './binaries.ts';
import { TopologyConfigError } from './errors.ts';
import { guardDir, releaseDir } from './guardian.ts';
import type { ProxyKind } from './proxy-kind.ts';
import {
  mapMessage,
  renderUserConfig,
  USER_PROFILE,
  type UserPlacement,
  type UserProxyConfig,
} from './user-config.ts';

const CHECK_TIMEOUT_MS = 15_000;

/** The syntax check's argv for a config file at `path` (nginx needs its prefix for relative paths). */
export function syntaxCheckArgs(kind: ProxyKind, path: string, prefix: string): string[] {
  switch (kind) {
    case 'nginx':
      return ['-t', '-q', '-p', `${prefix}/`, '-e', join(prefix, 'check-error.log'), '-c', path];
    case 'haproxy':
      return ['-c', '-f', path];
    case 'caddy':
      return ['validate', '--config', path, '--adapter', 'caddyfile'];
  }
}

/** Env for a Caddy process: its config and data folders under `dir`, never the user's own. */
export function caddyEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    HOME: dir,
  };
}

/** Runs the kind's syntax check on the file at `path`: undefined when it passes, else the proxy's words. */
export function runSyntaxCheck(
  kind: ProxyKind,
  binary: string,
  path: string,
  prefix: string,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      binary,
      syntaxCheckArgs(kind, path, prefix),
      { timeout: CHECK_TIMEOUT_MS, ...(kind === 'caddy' ? { env: caddyEnv(prefix) } : {}) },
      (err, stdout, stderr) => {
        if (!err) return resolve(undefined);
        const words = `${stderr}${stdout}`
          .split('\n')
          // Caddy logs its progress as JSON lines; its verdict is the plain `Error:` line.
          .filter((l) => l.trim() !== '' && !(kind === 'caddy' && l.startsWith('{"level":"info"')))
          .join('\n');
        resolve(words || err.message);
      },
    );
  });
}

export function locateProxy(kind: ProxyKind): string {
  switch (kind) {
    case 'nginx':
      return locateNginx();
    case 'haproxy':
      return locateHaproxy();
    case 'caddy':
      return locateCaddy();
  }
}

const CHECK_NAMES: Record<ProxyKind, string> = {
  nginx: 'nginx -t',
  haproxy: 'haproxy -c -f',
  caddy: 'caddy validate',
};

export const FILE_NAMES: Record<ProxyKind, string> = {
  nginx: 'nginx.conf',
  haproxy: 'haproxy.cfg',
  caddy: 'Caddyfile',
};

/**
 * The user's config, rendered for a throwaway placement and put through the proxy's own syntax check
 * before anything starts. A failure is a TopologyConfigError (exit code 2) quoting the proxy, its
 * file and line pointed back at the user's file.
 */
export async function validateUserConfig(cfg: UserProxyConfig): Promise<void> {
  const binary = locateProxy(cfg.kind);
  const dir = await mkdtemp(join(tmpdir(), `sse-chaos-check-${cfg.kind}-`));
  guardDir(dir);
  try {
    await mkdir(join(dir, 'temp'));
    const placement: UserPlacement = {
      listen: '127.0.0.1:1',
      upstream: '127.0.0.1:2',
      admin: '127.0.0.1:3',
      pidPath: join(dir, 'proxy.pid'),
      errorLog: join(dir, 'error.log'),
      accessLog: 'off',
      tempDir: join(dir, 'temp'),
    };
    const rendered = renderUserConfig(cfg, placement, { profile: USER_PROFILE, generation: 1 });
    const path = join(dir, FILE_NAMES[cfg.kind]);
    await writeFile(path, rendered.text);
    const problem = await runSyntaxCheck(cfg.kind, binary, path, dir);
    if (problem) {
      throw new TopologyConfigError(
        `${cfg.kind} config ${cfg.file} fails its syntax check (${CHECK_NAMES[cfg.kind]}):\n` +
          mapMessage(problem, path, cfg, rendered.lineOffset),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    releaseDir(dir);
  }
}
