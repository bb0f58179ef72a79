/**
 * Starting the stack: `client -> [edge | edge-b] -> nginx -> [origin] -> target`, as local
 * processes or containers (SSE_CHAOS_RUNTIME=local|containers|auto).
 */
import type { Topology } from './topology.ts';
import type { ProfileParams } from './nginx-profiles.ts';
import { isProfile, listProfiles } from './nginx-profiles.ts';
import { TopologyConfigError } from './errors.ts';
import { parseRuntimeChoice, resolveRuntime, type RuntimeChoice } from './runtime.ts';
import { parseTarget, type TargetSpec } from './target.ts';
import { startLocalTopology } from './local.ts';

export interface StartTopologyOptions {
  /** nginx profile name (see listProfiles()). */
  profile: string;
  profileParams?: ProfileParams;
  /** Validated again here, so a spec from JSON can be passed as is. */
  target: TargetSpec;
  /** Default: SSE_CHAOS_RUNTIME, else auto. */
  runtime?: RuntimeChoice;
  /**
   * toxiproxy-server processes for a large fleet (local runtime; default 1): each carries every leg
   * for its share, and `urls.streams` / `urls.toxiproxyApis` list them.
   */
  toxiproxyProcesses?: number;
  signal?: AbortSignal;
}

/**
 * Starts the whole stack and resolves when every component answers. Throws TopologyConfigError for
 * bad input (exit code 2) and InfrastructureError when a component would not start (exit code 3);
 * in both cases nothing is left running.
 */
export async function startTopology(options: StartTopologyOptions): Promise<Topology> {
  if (!isProfile(options.profile)) {
    const known = listProfiles().map((p) => p.name);
    throw new TopologyConfigError(`unknown nginx profile "${options.profile}"; known: ${known.join(', ')}`);
  }
  const target = parseTarget(options.target);
  const runtime = await resolveRuntime(options.runtime ?? parseRuntimeChoice(process.env.SSE_CHAOS_RUNTIME));
  const start = {
    profile: options.profile,
    profileParams: options.profileParams,
    target,
    signal: options.signal,
  };
  if (runtime === 'containers') {
    const { startContainersTopology } = await import('./containers.ts');
    return startContainersTopology(start);
  }
  return startLocalTopology({
    ...start,
    ...(options.toxiproxyProcesses ? { toxiproxyProcesses: options.toxiproxyProcesses } : {}),
  });
}

export type {
  Topology,
  StackUrls,
  NginxControl,
  TargetControl,
  ComponentVersions,
  RuntimeName,
} from './topology.ts';
export { InfrastructureError, TopologyConfigError } from './errors.ts';
export {
  listProfiles,
  renderNginxConfig,
  isProfile,
  type ProfileParams,
  type ProfileInfo,
} from './nginx-profiles.ts';
export {
  buildPublishRequest,
  extractAckId,
  loadTargetFile,
  parseTarget,
  referenceTarget,
  targetSpecSchema,
  type PublishMessage,
  type PublishRequest,
  type TargetSpec,
  type TargetSpecInput,
} from './target.ts';
export { parseRuntimeChoice, type RuntimeChoice } from './runtime.ts';
export { LEGS } from './proxies.ts';
