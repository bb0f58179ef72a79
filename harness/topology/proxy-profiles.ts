/**
 * Every proxy kind's profiles in one place: listing (with symptoms and, for emulated intermediaries,
 * what they emulate), lookup, and rendering a profile or the user's own config (profile `user`) for a
 * placement. The per-kind tables live in nginx-profiles.ts, haproxy-profiles.ts, caddy-profiles.ts.
 */
import { TopologyConfigError } from './errors.ts';
import { CADDY_PROFILES, renderCaddyConfig } from './caddy-profiles.ts';
import { HAPROXY_PROFILES, renderHaproxyConfig } from './haproxy-profiles.ts';
import { listProfiles, renderNginxConfig, type ProfileParams } from './nginx-profiles.ts';
import type { ProxyKind } from './proxy-kind.ts';
import { renderUserConfig, USER_PROFILE, type UserPlacement, type UserProxyConfig } from './user-config.ts';

export interface ProxyProfileInfo {
  kind: ProxyKind;
  name: string;
  description: string;
  symptom: string;
  /** Set for emulated intermediaries: the real component and the time scaling. */
  emulates?: string;
}

export function listProxyProfiles(kind: ProxyKind): ProxyProfileInfo[] {
  if (kind === 'nginx') return listProfiles().map((p) => ({ kind, ...p }));
  const table = kind === 'haproxy' ? HAPROXY_PROFILES : CADDY_PROFILES;
  return Object.entries(table).map(([name, def]) => ({
    kind,
    name,
    description: def.description,
    symptom: def.symptom,
    ...(def.emulates ? { emulates: def.emulates } : {}),
  }));
}

export function isProxyProfile(kind: ProxyKind, name: string): boolean {
  return listProxyProfiles(kind).some((p) => p.name === name);
}

/** A TopologyConfigError naming the kind's profiles, for `what` (a flag or a field). */
export function unknownProfile(kind: ProxyKind, name: string, what = 'profile'): TopologyConfigError {
  return new TopologyConfigError(
    `${what}: unknown ${kind} profile "${name}"; known: ${listProxyProfiles(kind)
      .map((p) => p.name)
      .join(', ')}`,
  );
}

/** What a stack needs to render its proxy's config at any generation. */
export interface ProxyRenderSpec {
  kind: ProxyKind;
  /** The user's own config, rendered for profile `user`. */
  userConfig?: UserProxyConfig;
}

/** Renders the config of `profile` (or the user's, for `user`) for a placement. Pure. */
export function renderProxyConfig(
  spec: ProxyRenderSpec,
  profile: string,
  placement: UserPlacement,
  generation: number,
  params?: ProfileParams,
): string {
  const meta = { profile, generation };
  if (profile === USER_PROFILE) {
    if (!spec.userConfig || spec.userConfig.kind !== spec.kind)
      throw new TopologyConfigError(`profile "${USER_PROFILE}" needs your own ${spec.kind} config file`);
    return renderUserConfig(spec.userConfig, placement, meta).text;
  }
  switch (spec.kind) {
    case 'nginx':
      return renderNginxConfig(profile, { placement, params, generation });
    case 'haproxy':
      return renderHaproxyConfig(profile, placement, meta, params);
    case 'caddy':
      return renderCaddyConfig(profile, placement, meta, params);
  }
}
