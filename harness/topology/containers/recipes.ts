/**
 * Which images the containers runtime uses, and how each local one is made. Two sources:
 * - official: the published images (a laptop or a GitHub runner reaches the registries);
 * - local: built on this machine from Debian packages and binaries the project already has, tagged
 *   `sse-chaos/<name>:<hash of the inputs>`, so a changed input gives a new tag and an unchanged one
 *   finds the image already there.
 * The reference server's image is always built (from docker/server.Dockerfile) on the chosen node image.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeRoot, packageRoot as projectRoot } from '../../package-layout.ts';
import { BASE_RECIPE } from './base-rootfs.ts';
import { fileDigest, hashParts, treeDigest } from './input-hash.ts';

/** Images a stack runs. */
export type StackImage = 'toxiproxy' | 'nginx' | 'sshd' | 'server';
/** Images built locally (`base` and `node` are what the others build on). */
export type LocalImage = 'base' | 'node' | StackImage;
export type ImageSource = 'local' | 'official';

/** The published images, pinned: toxiproxy's release, Debian 12's nginx version, testcontainers' sshd. */
export const OFFICIAL_IMAGES = {
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
  nginx: 'nginx:1.22.1-alpine',
  sshd: 'testcontainers/sshd:1.3.0',
  node: 'node:20.20-bookworm-slim',
} as const;

export const IMAGE_REPO = 'sse-chaos';

export interface ImageInputs {
  /** toxiproxy-server v2.12.0 to copy into the local toxiproxy image (local source only). */
  toxiproxyBinary: string;
  /** The node binary to copy into the local node image (default: the one running us). */
  nodeBinary: string;
  /** The repository root (Dockerfiles, server/, package files). */
  root?: string;
}

export interface Recipe {
  image: LocalImage;
  /** `sse-chaos/<image>:<hash>` (or an official name for node in official mode). */
  ref: string;
  hash: string;
  /** Images this one is built FROM (build them first). */
  needs: LocalImage[];
  /** Dockerfile, relative to the root. */
  dockerfile: string;
}

const localDockerfile = (image: LocalImage) =>
  image === 'server' ? 'docker/server.Dockerfile' : `docker/local/${image}.Dockerfile`;

const ref = (image: LocalImage, hash: string) => `${IMAGE_REPO}/${image}:${hash}`;

/** Files of server/ that are code (not journals or logs a developer's run left behind). */
export const serverFileFilter = (name: string): boolean =>
  name === 'node_modules' || /\.(journal|log|tmp)$/.test(name);

/**
 * The recipes for `source`, each with its input hash. Hashing reads the binaries (~100 MB for node,
 * memoized per process) and the server's files.
 */
export async function recipes(source: ImageSource, inputs: ImageInputs): Promise<Record<LocalImage, Recipe>> {
  const root = inputs.root ?? projectRoot;
  const text = (image: LocalImage) => readFileSync(join(root, localDockerfile(image)), 'utf8');
  const make = (image: LocalImage, parts: string[], needs: LocalImage[] = []): Recipe => {
    const hash = hashParts([image, text(image), ...parts]);
    return { image, ref: ref(image, hash), hash, needs, dockerfile: localDockerfile(image) };
  };
  const base = make('base', [JSON.stringify(BASE_RECIPE)]);
  const official = (image: LocalImage, name: string): Recipe => ({
    image,
    ref: name,
    hash: '',
    needs: [],
    dockerfile: '',
  });
  const local = source === 'local';
  const node = local
    ? make('node', [base.ref, await fileDigest(inputs.nodeBinary)], ['base'])
    : official('node', OFFICIAL_IMAGES.node);
  const serverParts = [
    node.ref,
    readFileSync(join(root, 'package.json'), 'utf8'),
    readFileSync(join(root, 'package-lock.json'), 'utf8'),
    // The server's code: its sources in a clone, the compiled dist/server in the package.
    await treeDigest(join(inputs.root ?? codeRoot, 'server'), serverFileFilter),
  ];
  return {
    base,
    node,
    nginx: local ? make('nginx', [base.ref], ['base']) : official('nginx', OFFICIAL_IMAGES.nginx),
    sshd: local ? make('sshd', [base.ref], ['base']) : official('sshd', OFFICIAL_IMAGES.sshd),
    toxiproxy: local
      ? make(
          'toxiproxy',
          // Without the binary the image can be neither named nor built: a tag that never exists.
          [base.ref, inputs.toxiproxyBinary ? await fileDigest(inputs.toxiproxyBinary) : 'binary-missing'],
          ['base'],
        )
      : official('toxiproxy', OFFICIAL_IMAGES.toxiproxy),
    server: make('server', serverParts, local ? ['node'] : []),
  };
}

/** The image each stack component runs. */
export function stackRefs(r: Record<LocalImage, Recipe>): Record<StackImage, string> {
  return { toxiproxy: r.toxiproxy.ref, nginx: r.nginx.ref, sshd: r.sshd.ref, server: r.server.ref };
}

/** Build order for `wanted` (dependencies first, each once). */
export function buildOrder(wanted: LocalImage[], r: Record<LocalImage, Recipe>): LocalImage[] {
  const out: LocalImage[] = [];
  const visit = (i: LocalImage): void => {
    if (out.includes(i)) return;
    for (const n of r[i].needs) visit(n);
    out.push(i);
  };
  wanted.forEach(visit);
  return out;
}
