import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { dockerAvailable, parseRuntimeChoice } from '../../harness/topology/runtime.ts';
import {
  parseNginxVersion,
  parseToxiproxyVersion,
  locateToxiproxy,
} from '../../harness/topology/binaries.ts';
import { InfrastructureError, TopologyConfigError } from '../../harness/topology/errors.ts';

describe('runtime selection', () => {
  it('parses SSE_CHAOS_RUNTIME', () => {
    expect(parseRuntimeChoice(undefined)).toBe('auto');
    expect(parseRuntimeChoice('')).toBe('auto');
    expect(parseRuntimeChoice('local')).toBe('local');
    expect(parseRuntimeChoice('containers')).toBe('containers');
    expect(() => parseRuntimeChoice('docker')).toThrow(TopologyConfigError);
    expect(() => parseRuntimeChoice('docker')).toThrow(/must be local, containers or auto; got "docker"/);
  });

  it.skipIf(existsSync('/var/run/docker.sock'))(
    'finds no engine without a socket or DOCKER_HOST',
    async () => {
      expect(await dockerAvailable({ HOME: '/nonexistent', PATH: '' }, 1000)).toBe(false);
    },
  );
});

describe('binaries', () => {
  it('parses versions', () => {
    expect(parseNginxVersion('nginx version: nginx/1.22.1\n')).toBe('1.22.1');
    expect(parseNginxVersion('garbage')).toBeUndefined();
    expect(parseToxiproxyVersion('toxiproxy-server version 2.12.0\n')).toBe('2.12.0');
    expect(parseToxiproxyVersion('{"version": "2.12.0"}')).toBe('2.12.0');
    expect(parseToxiproxyVersion('toxiproxy-server version git')).toBeUndefined();
  });

  it('tells the user to run install when toxiproxy is missing', async () => {
    const err = await locateToxiproxy({ PATH: '/nonexistent', SSE_CHAOS_CACHE_DIR: '/nonexistent' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InfrastructureError);
    expect((err as InfrastructureError).component).toBe('toxiproxy');
    expect((err as Error).message).toContain('Run `npx sse-chaos install`');
    expect((err as Error).message).toContain('/nonexistent/toxiproxy-v2.12.0/toxiproxy-server');
  });
});
