/**
 * Fixed addresses inside the container network, shared by the testcontainers runtime and
 * docker/compose.yaml (whose nginx config and toxiproxy.json are rendered from these).
 */
import type { Placement } from './nginx-profiles.ts';

/** Ports inside the containers (mapped to random host ports by testcontainers). */
export const CONTAINER_PORTS = {
  api: 8474,
  edge: 8666,
  'edge-b': 8667,
  origin: 8668,
  nginx: 8080,
  server: 8080,
} as const;

/** Where nginx lives in its container: it reaches the target through toxiproxy's origin leg. */
export const containerPlacement: Placement = {
  listen: String(CONTAINER_PORTS.nginx),
  upstream: `toxiproxy:${CONTAINER_PORTS.origin}`,
  pidPath: '/tmp/sse-chaos-nginx.pid',
  errorLog: 'stderr',
  accessLog: 'off',
  tempDir: '/tmp',
};

/** Where a TLS run's certificate and key are copied in nginx's container (next to its config). */
export const CONTAINER_TLS = {
  certPath: '/etc/sse-chaos/tls-cert.pem',
  keyPath: '/etc/sse-chaos/tls-key.pem',
} as const;

/** The three legs as toxiproxy `-config` JSON, for compose (`originUpstream`: where the target is). */
export function composeProxies(originUpstream = `server:${CONTAINER_PORTS.server}`): object[] {
  return [
    {
      name: 'edge',
      listen: `0.0.0.0:${CONTAINER_PORTS.edge}`,
      upstream: `nginx:${CONTAINER_PORTS.nginx}`,
      enabled: true,
    },
    {
      name: 'edge-b',
      listen: `0.0.0.0:${CONTAINER_PORTS['edge-b']}`,
      upstream: `nginx:${CONTAINER_PORTS.nginx}`,
      enabled: true,
    },
    { name: 'origin', listen: `0.0.0.0:${CONTAINER_PORTS.origin}`, upstream: originUpstream, enabled: true },
  ];
}
