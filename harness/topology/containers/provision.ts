/**
 * Provisioning the images a containers stack runs: decide the source (official or local), find
 * which images are missing, and pull or build them, one build at a time per machine. Idempotent:
 * with every image present it only inspects (well under a second, most of it hashing the node binary).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { locateToxiproxy } from '../binaries.ts';
import { packageRoot as projectRoot } from '../../package-layout.ts';
import { cacheDir } from '../tool-cache.ts';
import { TopologyConfigError } from '../errors.ts';
import { rootfsUnavailable } from './base-rootfs.ts';
import { withBuildLock } from './build-lock.ts';
import { buildOne, type BuildContext } from './image-build.ts';
import { dockerClient, inspectImage, pullImage, tagImage, type Docker } from './image-store.ts';
import {
  IMAGE_REPO,
  OFFICIAL_IMAGES,
  buildOrder,
  recipes,
  stackRefs,
  type ImageSource,
  type LocalImage,
  type Recipe,
  type StackImage,
} from './recipes.ts';
import { registriesReachable } from './registry.ts';

export type ImagesChoice = 'auto' | ImageSource;

/** SSE_CHAOS_IMAGES=auto|local|official (default auto: official when a registry answers). */
export function parseImagesChoice(value: string | undefined): ImagesChoice {
  const v = (value ?? '').trim() || 'auto';
  if (v === 'auto' || v === 'local' || v === 'official') return v;
  throw new TopologyConfigError(`SSE_CHAOS_IMAGES must be auto, local or official; got "${value}"`);
}

/** Where the base tarball, prepared server dependencies and the engine record live: the one cache. */
export { cacheDir };

export interface PlanOptions {
  images?: ImagesChoice;
  /** Stack images wanted (default all four). */
  want?: StackImage[];
  cacheDir?: string;
  /** Registry probe (tests replace it; default: one bounded HTTPS request per registry). */
  registryReachable?: () => Promise<boolean>;
  root?: string;
  nodeBinary?: string;
  log?: (line: string) => void;
}

export interface ImagePlan {
  source: ImageSource;
  /** One line: why this source. */
  why: string;
  refs: Record<StackImage, string>;
  recipes: Record<LocalImage, Recipe>;
  /** Images to pull or build, in build order (empty: everything is there). */
  missing: LocalImage[];
  /** Why the missing images cannot be had now (undefined: ready, or they can be built/pulled now). */
  problem?: string;
}

const STACK: StackImage[] = ['toxiproxy', 'nginx', 'sshd', 'server'];
const MIN_NODE = [20, 18];

function nodeTooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major < MIN_NODE[0]! || (major === MIN_NODE[0] && minor < MIN_NODE[1]!);
}

async function chooseSource(
  docker: Docker,
  choice: ImagesChoice,
  probe: () => Promise<boolean>,
): Promise<{ source: ImageSource; why: string }> {
  if (choice !== 'auto') return { source: choice, why: `SSE_CHAOS_IMAGES=${choice}` };
  const official = [OFFICIAL_IMAGES.toxiproxy, OFFICIAL_IMAGES.nginx, OFFICIAL_IMAGES.sshd];
  const present = await Promise.all(official.map((r) => inspectImage(docker, r)));
  if (present.every(Boolean)) return { source: 'official', why: 'the official images are present' };
  if (await probe()) return { source: 'official', why: 'a container registry is reachable' };
  return { source: 'local', why: 'no container registry is reachable: images are built on this machine' };
}

/** Which images a stack would run and what is missing; changes nothing. */
export async function planImages(docker: Docker, options: PlanOptions = {}): Promise<ImagePlan> {
  const choice = options.images ?? parseImagesChoice(process.env.SSE_CHAOS_IMAGES);
  const { source, why } = await chooseSource(
    docker,
    choice,
    options.registryReachable ?? (() => registriesReachable()),
  );
  const nodeBinary = options.nodeBinary ?? process.execPath;
  let toxiproxyBinary = '';
  let problem: string | undefined;
  if (source === 'local') {
    if (process.platform !== 'linux')
      problem = `local images are built on Linux only (this is ${process.platform})`;
    toxiproxyBinary = await locateToxiproxy().then(
      (t) => t.path,
      (err: Error) => {
        problem ??= err.message.replace(/^toxiproxy: /, '');
        return '';
      },
    );
  }
  const r = await recipes(source, { toxiproxyBinary, nodeBinary, root: options.root });
  const want = options.want ?? STACK;
  const exists = new Map<LocalImage, boolean>();
  const has = async (i: LocalImage) => {
    if (!exists.has(i)) exists.set(i, (await inspectImage(docker, r[i].ref)) !== undefined);
    return exists.get(i)!;
  };
  // Only what a missing image needs is built: a present nginx never forces its base back.
  const missingStack: StackImage[] = [];
  for (const i of want) if (!(await has(i))) missingStack.push(i);
  const order = buildOrder(missingStack, r);
  const missing: LocalImage[] = [];
  for (const i of order) if (!(await has(i))) missing.push(i);

  if (source === 'local' && missing.includes('base')) {
    const cached = existsSync(join(options.cacheDir ?? cacheDir(), 'base', `rootfs-${r.base.hash}.tar`));
    if (!cached) problem ??= rootfsUnavailable();
  }
  if (
    source === 'local' &&
    missing.includes('node') &&
    nodeBinary === process.execPath &&
    nodeTooOld(process.version)
  )
    problem ??= `the node image copies this machine's node, ${process.version}; it needs >= ${MIN_NODE.join('.')}`;
  // A problem matters only when something is missing (a present toxiproxy image needs no binary).
  if (!missing.length) problem = undefined;
  return { source, why, refs: stackRefs(r), recipes: r, missing, ...(problem ? { problem } : {}) };
}

export interface ProvisionRow {
  image: LocalImage;
  ref: string;
  status: 'present' | 'built' | 'pulled';
  ms: number;
  detail?: string;
}

export interface ProvisionResult {
  plan: ImagePlan;
  rows: ProvisionRow[];
  ms: number;
}

export interface EnsureOptions extends PlanOptions {
  docker?: Docker;
}

/** Pulls or builds every missing image of the plan; tags `sse-chaos/<image>:current` for compose. */
export async function ensureImages(options: EnsureOptions = {}): Promise<ProvisionResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const docker = options.docker ?? (await dockerClient());
  const cache = options.cacheDir ?? cacheDir();
  const root = options.root ?? projectRoot;
  const nodeBinary = options.nodeBinary ?? process.execPath;
  let plan = await planImages(docker, { ...options, cacheDir: cache });
  if (plan.missing.length && plan.problem) throw new Error(`images cannot be made here: ${plan.problem}`);
  const rows: ProvisionRow[] = [];
  if (plan.missing.length) {
    await withBuildLock(
      cache,
      async () => {
        plan = await planImages(docker, { ...options, cacheDir: cache }); // Another process may have built them.
        // Holding the lock, anything in build/ was left by an interrupted build.
        rmSync(join(cache, 'build'), { recursive: true, force: true });
        const ctx: BuildContext = { docker, cache, root, plan, nodeBinary, log };
        for (const image of plan.missing) {
          const t0 = performance.now();
          const r = plan.recipes[image];
          const pull = plan.source === 'official' && image !== 'server';
          try {
            if (pull) {
              log(`${image}: pulling ${r.ref}`);
              await pullImage(docker, r.ref);
              rows.push({ image, ref: r.ref, status: 'pulled', ms: performance.now() - t0 });
            } else {
              const version = await buildOne(ctx, image);
              rows.push({ image, ref: r.ref, status: 'built', ms: performance.now() - t0, detail: version });
            }
          } catch (err) {
            const hint =
              plan.source === 'official'
                ? ' (no registry reachable? SSE_CHAOS_IMAGES=local builds them here)'
                : '';
            throw new Error(
              `${pull ? 'pulling' : 'building'} ${image} (${r.ref}): ${(err as Error).message}${hint}`,
              {
                cause: err,
              },
            );
          }
          log(`${image}: ${rows.at(-1)!.status} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        }
      },
      (holder) => log(`waiting for the image build of pid ${holder}`),
    );
  }
  const want = options.want ?? STACK;
  for (const image of want) {
    const ref = plan.refs[image];
    if (!rows.some((row) => row.ref === ref)) rows.push({ image, ref, status: 'present', ms: 0 });
    await tagImage(docker, ref, `${IMAGE_REPO}/${image}:current`);
  }
  return { plan, rows, ms: performance.now() - started };
}
