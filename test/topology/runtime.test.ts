import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import {
  decideRuntime,
  dockerAvailable,
  parseRuntimeChoice,
  resolveRuntime,
  type RuntimeProbes,
} from '../../harness/topology/runtime.ts';
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

/** Probes that answer as told and count how often they were asked. */
function probes(engine: boolean, imagesProblem?: string): RuntimeProbes & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    engineAnswers: async () => {
      asked.push('engine');
      return engine;
    },
    imagesProblem: async () => {
      asked.push('images');
      return imagesProblem;
    },
  };
}

describe('auto', () => {
  it('runs local when no engine answers, without looking at images', async () => {
    const p = probes(false);
    expect(await decideRuntime('auto', p)).toEqual({
      runtime: 'local',
      reason: 'no container engine answers',
    });
    expect(p.asked).toEqual(['engine']);
  });

  it('runs local when the engine answers but the images can be neither found nor made, and says how to fix it', async () => {
    const d = await decideRuntime(
      'auto',
      probes(true, 'images missing (base) and not buildable: mmdebstrap is not installed'),
    );
    expect(d.runtime).toBe('local');
    expect(d.reason).toBe(
      'images missing (base) and not buildable: mmdebstrap is not installed (fix: npx tsx scripts/containers.ts --start-engine)',
    );
  });

  it('runs containers when the engine answers and the images are ready or can be made now', async () => {
    expect((await decideRuntime('auto', probes(true))).runtime).toBe('containers');
  });

  it('never second-guesses an explicit choice', async () => {
    const p = probes(false);
    expect((await decideRuntime('containers', p)).runtime).toBe('containers');
    expect((await decideRuntime('local', p)).runtime).toBe('local');
    expect(p.asked).toEqual([]);
  });

  it('says why it fell back in one line, once per reason', async () => {
    const lines: string[] = [];
    const say = (l: string) => lines.push(l);
    const p = probes(true, 'images missing (nginx) and not buildable: no toxiproxy');
    expect(await resolveRuntime('auto', p, say)).toBe('local');
    expect(await resolveRuntime('auto', p, say)).toBe('local');
    expect(await resolveRuntime('auto', probes(true), say)).toBe('containers');
    expect(lines).toEqual([
      'sse-chaos: runtime auto -> local: images missing (nginx) and not buildable: no toxiproxy (fix: npx tsx scripts/containers.ts --start-engine)',
    ]);
  });
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
