/**
 * Runtime selection: `SSE_CHAOS_RUNTIME=local|containers|auto` (default auto: containers when a
 * Docker engine answers, else local). Detection is cheap: without a Docker socket or DOCKER_HOST we
 * never load testcontainers at all.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeName } from './topology.ts';
import { TopologyConfigError } from './errors.ts';

export type RuntimeChoice = RuntimeName | 'auto';

export function parseRuntimeChoice(value: string | undefined): RuntimeChoice {
  const v = (value ?? 'auto').trim() || 'auto';
  if (v === 'local' || v === 'containers' || v === 'auto') return v;
  throw new TopologyConfigError(`SSE_CHAOS_RUNTIME must be local, containers or auto; got "${value}"`);
}

/** Places a Docker-compatible engine usually listens (Docker, Docker Desktop, Colima, Podman, Rancher). */
export function dockerSocketCandidates(env = process.env, home = homedir()): string[] {
  const uid = process.getuid?.();
  return [
    '/var/run/docker.sock',
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
    join(home, '.colima', 'default', 'docker.sock'),
    join(home, '.rd', 'docker.sock'),
    ...(env.XDG_RUNTIME_DIR
      ? [join(env.XDG_RUNTIME_DIR, 'docker.sock'), join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock')]
      : []),
    ...(uid !== undefined ? [`/run/user/${uid}/docker.sock`] : []),
  ];
}

/** True when a container engine answers (asks testcontainers only if a socket or DOCKER_HOST exists). */
export async function dockerAvailable(env = process.env, timeoutMs = 3_000): Promise<boolean> {
  const hint =
    env.DOCKER_HOST ||
    env.TESTCONTAINERS_HOST_OVERRIDE ||
    dockerSocketCandidates(env).some((p) => existsSync(p));
  if (!hint) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    try {
      await Promise.race([getContainerRuntimeClient(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return true;
  } catch {
    return false;
  }
}

/** The runtime to use for `choice`. */
export async function resolveRuntime(choice: RuntimeChoice): Promise<RuntimeName> {
  if (choice !== 'auto') return choice;
  return (await dockerAvailable()) ? 'containers' : 'local';
}
