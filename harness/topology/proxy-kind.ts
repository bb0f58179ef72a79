/**
 * The proxies sse-chaos can put between the clients and the target: real nginx, HAProxy and Caddy.
 * Each kind has its own profiles (the good config and its known misconfigurations), its own syntax
 * check, and one control protocol (reload, quit, config, error log).
 */
import { TopologyConfigError } from './errors.ts';

export const PROXY_KINDS = ['nginx', 'haproxy', 'caddy'] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];

/** nginx: what every scenario runs behind unless a proxy is chosen. */
export const DEFAULT_PROXY: ProxyKind = 'nginx';

export function isProxyKind(name: string): name is ProxyKind {
  return (PROXY_KINDS as readonly string[]).includes(name);
}

/** The kind, or a TopologyConfigError naming `what` (the flag or field) and the known kinds. */
export function parseProxyKind(name: string, what = 'proxy'): ProxyKind {
  if (isProxyKind(name)) return name;
  throw new TopologyConfigError(`${what}: unknown proxy "${name}"; known: ${PROXY_KINDS.join(', ')}`);
}
