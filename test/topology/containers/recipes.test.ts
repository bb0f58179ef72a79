/**
 * Image tags follow their inputs: a change reaches exactly the images built from it. Run on a copy
 * of the repository's Dockerfiles, package files and server/ with small stand-in binaries.
 */
import { describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot as projectRoot } from '../../../harness/package-layout.ts';
import {
  OFFICIAL_IMAGES,
  buildOrder,
  recipes,
  stackRefs,
  type ImageInputs,
} from '../../../harness/topology/containers/recipes.ts';

function fixtureRoot(): { dir: string; inputs: ImageInputs } {
  const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-recipes-'));
  cpSync(join(projectRoot, 'docker'), join(dir, 'docker'), { recursive: true });
  cpSync(join(projectRoot, 'server'), join(dir, 'server'), { recursive: true });
  cpSync(join(projectRoot, 'package.json'), join(dir, 'package.json'));
  cpSync(join(projectRoot, 'package-lock.json'), join(dir, 'package-lock.json'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'toxiproxy-server'), 'toxiproxy v1');
  writeFileSync(join(dir, 'bin', 'node'), 'node v1');
  return {
    dir,
    inputs: {
      root: dir,
      toxiproxyBinary: join(dir, 'bin', 'toxiproxy-server'),
      nodeBinary: join(dir, 'bin', 'node'),
    },
  };
}

describe('image recipes', () => {
  it('tag local images sse-chaos/<image>:<hash> and change exactly the images an input goes into', async () => {
    const { dir, inputs } = fixtureRoot();
    try {
      const before = await recipes('local', inputs);
      for (const r of Object.values(before)) expect(r.ref).toBe(`sse-chaos/${r.image}:${r.hash}`);

      appendFileSync(inputs.toxiproxyBinary, ' patched');
      const toxi = await recipes('local', inputs);
      expect(toxi.toxiproxy.ref).not.toBe(before.toxiproxy.ref);
      for (const i of ['base', 'nginx', 'sshd', 'node', 'server'] as const)
        expect(toxi[i].ref).toBe(before[i].ref);

      appendFileSync(join(dir, 'server', 'app.ts'), '\n// a change to the server\n');
      const server = await recipes('local', inputs);
      expect(server.server.ref).not.toBe(toxi.server.ref);
      expect(server.node.ref).toBe(toxi.node.ref);

      appendFileSync(inputs.nodeBinary, ' newer');
      const node = await recipes('local', inputs);
      expect(node.node.ref).not.toBe(server.node.ref);
      expect(node.server.ref).not.toBe(server.server.ref); // Built FROM the node image.
      expect(node.nginx.ref).toBe(server.nginx.ref);

      appendFileSync(join(dir, 'docker', 'local', 'base.Dockerfile'), '\n# changed\n');
      const base = await recipes('local', inputs);
      for (const i of ['base', 'nginx', 'sshd', 'toxiproxy', 'node', 'server'] as const)
        expect(base[i].ref).not.toBe(node[i].ref);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('use the pinned official images where a registry is reachable, building only the server', async () => {
    const { dir, inputs } = fixtureRoot();
    try {
      const r = await recipes('official', { ...inputs, toxiproxyBinary: '' });
      expect(stackRefs(r)).toEqual({
        toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
        nginx: 'nginx:1.22.1-alpine',
        sshd: 'testcontainers/sshd:1.3.0',
        server: r.server.ref,
      });
      expect(r.server.ref).toMatch(/^sse-chaos\/server:[0-9a-f]{16}$/);
      expect(r.node.ref).toBe(OFFICIAL_IMAGES.node);
      expect(buildOrder(['server', 'nginx'], r)).toEqual(['server', 'nginx']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('build what an image is FROM first, each image once', async () => {
    const { dir, inputs } = fixtureRoot();
    try {
      const r = await recipes('local', inputs);
      expect(buildOrder(['server', 'nginx', 'toxiproxy'], r)).toEqual([
        'base',
        'node',
        'server',
        'nginx',
        'toxiproxy',
      ]);
      expect(buildOrder([], r)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
