/**
 * Runtime selection: `SSE_CHAOS_RUNTIME=local|containers|auto` (default auto). `auto` picks
 * containers only when an engine answers AND the images are present or can be made right now
 * (pulled from a reachable registry, or built here: toxiproxy binary, mmdebstrap or a cached base);
 * otherwise it prints why, in one line, and runs local. Detection is cheap: without a Docker socket
 * or DOCKER_HOST we never load testcontainers at all. A forced `containers` that cannot work fails
 * when the stack starts (exit 3) with the command that fixes it.
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
    const { loadTestcontainers } = await import('./containers/testcontainers-env.ts');
    const { getContainerRuntimeClient } = await loadTestcontainers();
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

export interface RuntimeDecision {
  runtime: RuntimeName;
  /** For auto: why this runtime (one line). */
  reason: string;
}

/** What `auto` looks at; tests replace it. */
export interface RuntimeProbes {
  engineAnswers(): Promise<boolean>;
  /** Undefined when the images are present or can be made now; else why not. */
  imagesProblem(): Promise<string | undefined>;
}

/** The fix printed when containers cannot run here. */
export const CONTAINERS_FIX = 'npx tsx scripts/containers.ts --start-engine';

async function imagesProblem(): Promise<string | undefined> {
  const { dockerClient } = await import('./containers/image-store.ts');
  const { planImages } = await import('./containers/provision.ts');
  const plan = await planImages(await dockerClient());
  if (!plan.missing.length) return undefined;
  return plan.problem
    ? `images missing (${plan.missing.join(', ')}) and not buildable: ${plan.problem}`
    : undefined;
}

export const defaultProbes: RuntimeProbes = {
  engineAnswers: () => dockerAvailable(),
  imagesProblem: () => imagesProblem().catch((err: Error) => `checking the images failed: ${err.message}`),
};

/** Which runtime `choice` means here, and why. */
export async function decideRuntime(choice: RuntimeChoice, probes = defaultProbes): Promise<RuntimeDecision> {
  if (choice !== 'auto') return { runtime: choice, reason: `asked for ${choice}` };
  if (!(await probes.engineAnswers())) return { runtime: 'local', reason: 'no container engine answers' };
  const problem = await probes.imagesProblem();
  if (problem) return { runtime: 'local', reason: `${problem} (fix: ${CONTAINERS_FIX})` };
  return {
    runtime: 'containers',
    reason: 'a container engine answers and the images are ready or can be made now',
  };
}

const told = new Set<string>();

/** The runtime to use for `choice`; when auto falls back to local it says why (once per process and reason). */
export async function resolveRuntime(
  choice: RuntimeChoice,
  probes = defaultProbes,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<RuntimeName> {
  const decision = await decideRuntime(choice, probes);
  if (choice === 'auto' && decision.runtime === 'local') {
    const line = `sse-chaos: runtime auto -> local: ${decision.reason}`;
    if (!told.has(line)) say(line);
    told.add(line);
  }
  return decision.runtime;
}
