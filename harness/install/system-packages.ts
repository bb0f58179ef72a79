/**
 * System packages (nginx, haproxy, caddy, chromium) for `sse-chaos install --with-deps`, the way Playwright's
 * `--with-deps` does it: apt-get as root or through sudo on Debian/Ubuntu, brew on macOS. The plan is
 * pure (testable); running it shows the package manager's own output on stderr.
 */
import { spawn } from 'node:child_process';

export interface SystemState {
  platform: NodeJS.Platform;
  isRoot: boolean;
  hasApt: boolean;
  hasSudo: boolean;
  hasBrew: boolean;
}

export interface SystemInstaller {
  manager: 'apt' | 'brew';
  /** `['sudo']` when apt must be run through sudo. */
  prefix: string[];
}

/** Which package manager can install system packages here, or undefined (then print the commands). */
export function systemInstaller(s: SystemState): SystemInstaller | undefined {
  if (s.platform === 'linux' && s.hasApt && (s.isRoot || s.hasSudo))
    return { manager: 'apt', prefix: s.isRoot ? [] : ['sudo'] };
  if (s.platform === 'darwin' && s.hasBrew) return { manager: 'brew', prefix: [] };
  return undefined;
}

/** Package names to try, in order (nginx-light is gone from newer Debian/Ubuntu releases). */
const PACKAGES = {
  apt: {
    nginx: [['nginx-light'], ['nginx']],
    haproxy: [['haproxy']],
    caddy: [['caddy']],
    chromium: [['chromium'], ['chromium-browser']],
  },
  brew: {
    nginx: [['nginx']],
    haproxy: [['haproxy']],
    caddy: [['caddy']],
    chromium: [['--cask', 'chromium']],
  },
} as const;

export type SystemTool = keyof (typeof PACKAGES)['apt'];

/** The commands that install `tool`, tried in order until one succeeds. */
export function installCommands(installer: SystemInstaller, tool: SystemTool): string[][] {
  return PACKAGES[installer.manager][tool].map((pkg) =>
    installer.manager === 'apt'
      ? [
          ...installer.prefix,
          // RUNLEVEL=1: Debian's maintainer scripts do not start the distribution's services.
          'env',
          'DEBIAN_FRONTEND=noninteractive',
          'RUNLEVEL=1',
          'apt-get',
          'install',
          '-y',
          '--no-install-recommends',
          ...pkg,
        ]
      : ['brew', 'install', ...pkg],
  );
}

/** `apt-get update`, for fresh machines that have no package lists yet. */
export function refreshCommand(installer: SystemInstaller): string[] | undefined {
  return installer.manager === 'apt'
    ? [...installer.prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update']
    : undefined;
}

/** Runs a command with its output on our stderr; resolves with its exit code (1 when it cannot start). */
export function runVisible(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  process.stderr.write(`sse-chaos install: $ ${argv.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 2, 2], env });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** Installs `tool`: each package name in turn, refreshing the package lists once if the first try fails. */
export async function installSystemPackage(
  installer: SystemInstaller,
  tool: SystemTool,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  let refreshed = false;
  for (const argv of installCommands(installer, tool)) {
    if ((await runVisible(argv, env)) === 0) return true;
    const refresh = refreshCommand(installer);
    if (!refreshed && refresh) {
      refreshed = true;
      if ((await runVisible(refresh, env)) !== 0) return false;
      if ((await runVisible(argv, env)) === 0) return true;
    }
  }
  return false;
}
