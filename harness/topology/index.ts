/**
 * Starting the stack: `client -> [edge | edge-b] -> proxy -> [origin] -> target`, as local
 * processes or containers (SSE_CHAOS_RUNTIME=local|containers|auto). nginx runs in both runtimes;
 * HAProxy, Caddy and a user's own proxy config run on the local runtime only (there are no container
 * images for them yet): the runner reports such a scenario as skipped under containers.
 */
import type { Topology } from './topology.ts';
import type { ProfileParams } from './nginx-profiles.ts';
import { TopologyConfigError } from './errors.ts';
import { DEFAULT_PROXY, type ProxyKind } from './proxy-kind.ts';
import { isProxyProfile, unknownProfile } from './proxy-profiles.ts';
import { USER_PROFILE, type UserProxyConfig } from './user-config.ts';
import { parseRuntimeChoice, resolveRuntime, type RuntimeChoice } from './runtime.ts';
import { parseTarget, type TargetSpec } from './target.ts';
import { instanceCount, usesRedis } from './instances.ts';
import { startLocalTopology } from './local.ts';

export interface StartTopologyOptions {
  /** Profile name of the proxy kind (see listProxyProfiles()), or `user` with `userConfig`. */
  profile: string;
  /** The proxy kind; default nginx. */
  proxy?: ProxyKind;
  /** The user's own config of that kind, run as profile `user`. */
  userConfig?: UserProxyConfig;
  profileParams?: ProfileParams;
  /** Validated again here, so a spec from JSON can be passed as is. */
  target: TargetSpec;
  /** Default: SSE_CHAOS_RUNTIME, else auto. */
  runtime?: RuntimeChoice;
  /** Clients reach nginx over TLS with a certificate made for the run (HTTP/2 when `http2`). */
  tls?: { http2: boolean };
  /** Run the target in a network namespace of its own (faults below TCP; local runtime, root). */
  netns?: boolean;
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
  const kind = options.proxy ?? DEFAULT_PROXY;
  const user = options.profile === USER_PROFILE && options.userConfig?.kind === kind;
  if (!user && !isProxyProfile(kind, options.profile)) throw unknownProfile(kind, options.profile);
  const target = parseTarget(options.target);
  const runtime = await resolveRuntime(options.runtime ?? parseRuntimeChoice(process.env.SSE_CHAOS_RUNTIME));
  const start = {
    profile: options.profile,
    profileParams: options.profileParams,
    target,
    ...(options.tls ? { tls: options.tls } : {}),
    signal: options.signal,
    proxy: kind,
    ...(options.userConfig ? { userConfig: options.userConfig } : {}),
    ...(options.netns ? { netns: true } : {}),
  };
  if (runtime === 'containers') {
    const why = localOnly(kind, user) ?? localOnlyTarget(target, options.netns ?? false);
    if (why) throw new TopologyConfigError(`the containers runtime cannot run ${why}; use --runtime local`);
    const { startContainersTopology } = await import('./containers.ts');
    return startContainersTopology(start);
  }
  return startLocalTopology({
    ...start,
    ...(options.toxiproxyProcesses ? { toxiproxyProcesses: options.toxiproxyProcesses } : {}),
  });
}

/**
 * Why a target must run on the local runtime, or undefined: several instances, a Redis log and a
 * network namespace are built from local processes only (the containers runtime has one target
 * container and no redis image).
 */
export function localOnlyTarget(target: TargetSpec, netns: boolean): string | undefined {
  if (instanceCount(target) > 1) return 'several instances of the target (local runtime only)';
  if (usesRedis(target)) return 'a Redis log (the stack starts redis-server as a local process)';
  if (netns) return 'a target in a network namespace (faults below TCP; local runtime only)';
  return undefined;
}

/** Why a stack must run on the local runtime (HAProxy, Caddy, a user's config), or undefined. */
export function localOnly(kind: ProxyKind, userConfig: boolean): string | undefined {
  if (kind !== 'nginx') return `${kind} (local runtime only: no container image for it yet)`;
  if (userConfig) return 'your own nginx config (local runtime only)';
  return undefined;
}

export type {
  InstanceControl,
  Topology,
  ProxyControl,
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
export { PROXY_KINDS, isProxyKind, parseProxyKind, type ProxyKind } from './proxy-kind.ts';
export { listProxyProfiles, isProxyProfile, type ProxyProfileInfo } from './proxy-profiles.ts';
export { loadUserConfig, USER_PROFILE, type UserProxyConfig } from './user-config.ts';
