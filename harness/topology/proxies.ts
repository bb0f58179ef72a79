/**
 * The three toxiproxy legs, shared by both runtimes. Proxies are created disabled and then enabled
 * (the enable response carries the real port when listening on `:0`), so nothing connects through
 * a half-configured proxy.
 */
import type { Proxy, Toxiproxy } from 'toxiproxy-node-client';
import type { Leg } from '../history/records.ts';
import { InfrastructureError } from './errors.ts';

export const LEGS: readonly Leg[] = ['edge', 'edge-b', 'origin'];

interface ProxyResponse {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<ProxyResponse> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'user-agent': 'sse-chaos' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.trim()}`);
  return JSON.parse(text) as ProxyResponse;
}

/**
 * Creates proxy `name` listening on `listen` (use `HOST:0` for a free port) to `upstream`, enabled,
 * and returns the toxiproxy-node-client Proxy holding the real listen address.
 */
export async function createLeg(
  toxiproxy: Toxiproxy,
  name: string,
  listen: string,
  upstream: string,
): Promise<Proxy> {
  try {
    await api(toxiproxy.host, 'POST', '/proxies', { name, listen, upstream, enabled: false });
    await api(toxiproxy.host, 'PATCH', `/proxies/${name}`, { enabled: true });
    // Re-read through the client so callers get its Proxy type with the real port.
    return await toxiproxy.get(name);
  } catch (err) {
    throw new InfrastructureError(
      'toxiproxy',
      `could not create proxy "${name}" (${listen} -> ${upstream}): ${(err as Error).message}`,
      '',
      {
        cause: err,
      },
    );
  }
}

/**
 * Enables or disables a leg, keeping its port. Prefer this to `proxy.update()`: toxiproxy forgets a
 * `:0` listen address's port when a full update carries `:0` again, and clients would lose the proxy.
 */
export async function setLegEnabled(toxiproxy: Toxiproxy, name: string, enabled: boolean): Promise<void> {
  await api(toxiproxy.host, 'PATCH', `/proxies/${name}`, { enabled });
}

/** `127.0.0.1:41234` -> 41234. */
export function portOf(listen: string): number {
  const port = Number(listen.slice(listen.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in listen address "${listen}"`);
  return port;
}

/** Points a leg at another upstream, keeping its port (toxiproxy restarts the listener in place). */
export async function setLegUpstream(toxiproxy: Toxiproxy, name: string, upstream: string): Promise<Proxy> {
  await api(toxiproxy.host, 'PATCH', `/proxies/${name}`, { upstream });
  return toxiproxy.get(name);
}

/** Upstream for the origin leg until the target's port is known: the discard port, nothing listens. */
export const PLACEHOLDER_UPSTREAM = '127.0.0.1:9';
