/**
 * docker/compose.yaml brings up the same stack by hand from the same images: the `:current` tags
 * provisioning puts on whatever it chose (built here or official), overridable one by one, and the
 * same in-network ports and names the containers runtime uses.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONTAINER_PORTS } from '../../harness/topology/container-layout.ts';

interface Service {
  image: string;
  command: string[];
  ports: string[];
}
const compose = parse(readFileSync(new URL('../../docker/compose.yaml', import.meta.url), 'utf8')) as {
  services: Record<string, Service>;
  name?: string;
};

describe('docker/compose.yaml', () => {
  it('runs the images provisioning tags sse-chaos/<image>:current, each overridable', () => {
    expect(compose.services.server!.image).toBe('${SSE_CHAOS_SERVER_IMAGE:-sse-chaos/server:current}');
    expect(compose.services.toxiproxy!.image).toBe(
      '${SSE_CHAOS_TOXIPROXY_IMAGE:-sse-chaos/toxiproxy:current}',
    );
    expect(compose.services.nginx!.image).toBe('${SSE_CHAOS_NGINX_IMAGE:-sse-chaos/nginx:current}');
    expect(Object.values(compose.services).some((s) => 'build' in s)).toBe(false); // Built by provisioning, not compose.
    expect(compose.name).toBeUndefined(); // docker-compose v1 (Debian 12) rejects a top-level name.
  });

  it("uses the runtime's in-network ports: edge legs, API, nginx and the server", () => {
    const toxi = compose.services.toxiproxy!.ports.map((p) => p.split(':').at(-1));
    expect(toxi).toEqual([CONTAINER_PORTS.api, CONTAINER_PORTS.edge, CONTAINER_PORTS['edge-b']].map(String));
    expect(compose.services.nginx!.ports[0]!.endsWith(`:${CONTAINER_PORTS.nginx}`)).toBe(true);
    expect(compose.services.server!.command.join(' ')).toContain(`--port ${CONTAINER_PORTS.server}`);
  });
});
