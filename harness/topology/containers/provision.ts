/**
 * Provisioning the images a containers stack runs: decide the source (official or local), find
 * which images are missing, and pull or build them, one build at a time per machine. Idempotent:
 * with every image present it only inspects (well under a second, most of it hashing the node binary).
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { locateToxiproxy, projectRoot } from '../binaries.ts';
import { TopologyConfigError } from '../errors.ts';
import { ensureRootfs, rootfsUnavailable } from './base-rootfs.ts';
import { withBuildLock } from './build-lock.ts';
import { lastLines, runCommand } from './command.ts';
import { buildImage, dockerClient, inspectImage, pullImage, tagImage, type Docker } from './image-store.ts';
import { LABEL } from './labels.ts';
import {
  IMAGE_REPO,
  OFFICIAL_IMAGES,
  buildOrder,
  recipes,
  serverFileFilter,
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

/** Where the base tarball, prepared server dependencies and the engine record live. */
export function cacheDir(env = process.env): string {
  if (env.SSE_CHAOS_CACHE_DIR) return resolve(env.SSE_CHAOS_CACHE_DIR);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sse-chaos');
}

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

function freshDir(parent: string, prefix: string): string {
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, prefix));
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

interface BuildContext {
  docker: Docker;
  cache: string;
  root: string;
  plan: ImagePlan;
  nodeBinary: string;
  log: (line: string) => void;
}

const labelsFor = (recipe: Recipe, source: ImageSource, version: string): Record<string, string> => ({
  [LABEL.image]: recipe.image,
  [LABEL.inputs]: recipe.hash,
  [LABEL.source]: source,
  [LABEL.version]: version,
});

/** `nginx-light=1.22.1-9+deb12u4,openssh-server=...` -> the version of `pkg`. */
function debVersion(versions: string, pkg: string): string {
  return (
    versions
      .split(',')
      .find((v) => v.startsWith(`${pkg}=`))
      ?.slice(pkg.length + 1) ?? 'unknown'
  );
}

/**
 * The server image's build context for local builds: a persistent folder in the cache whose
 * prod-deps/ holds the production dependencies, installed once per lockfile with the host's npm
 * (which is configured for this machine's network) and reused until package.json or
 * package-lock.json change. Persistent because copying ~10,000 files costs more than the build.
 */
async function serverContext(ctx: BuildContext): Promise<string> {
  const lock = readFileSync(join(ctx.root, 'package-lock.json'), 'utf8');
  const pkg = readFileSync(join(ctx.root, 'package.json'), 'utf8');
  const dir = join(ctx.cache, 'server-context');
  const depsDir = join(dir, 'prod-deps');
  const stamp = join(dir, 'prod-deps.inputs');
  const inputs = `${pkg}\n${lock}`;
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== inputs) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(depsDir, { recursive: true });
    writeFileSync(join(depsDir, 'package.json'), pkg);
    writeFileSync(join(depsDir, 'package-lock.json'), lock);
    ctx.log('server: $ npm ci --omit=dev --ignore-scripts (production dependencies for the image)');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const res = await runCommand(
      npm,
      ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: depsDir, timeoutMs: 10 * 60_000 },
    );
    if (res.code !== 0)
      throw new Error(`npm ci --omit=dev failed (exit ${res.code}):\n${lastLines(res.output)}`);
    writeFileSync(stamp, inputs);
  }
  rmSync(join(dir, 'server'), { recursive: true, force: true });
  return dir;
}

async function buildOne(ctx: BuildContext, image: LocalImage): Promise<string> {
  const { docker, plan, root, log } = ctx;
  const r = plan.recipes[image];
  const source = plan.source;
  const persistent = image === 'server' && source === 'local';
  const dir = persistent ? await serverContext(ctx) : freshDir(join(ctx.cache, 'build'), `${image}-`);
  try {
    const dockerfile = 'Dockerfile';
    copyFileSync(join(root, r.dockerfile), join(dir, dockerfile));
    const src = [dockerfile];
    const buildargs: Record<string, string> = {};
    let version: string;
    const base = plan.recipes.base.ref;
    if (image === 'base') {
      const t0 = performance.now();
      const rootfs = await ensureRootfs(ctx.cache, r.hash, log);
      const made = rootfs.made ? `made in ${((performance.now() - t0) / 1000).toFixed(1)} s` : 'cached';
      log(`base: rootfs ${made} (${(rootfs.bytes / 1e6).toFixed(0)} MB) ${rootfs.path}`);
      const nginx = debVersion(rootfs.versions, 'nginx-light');
      if (!nginx.startsWith('1.22.'))
        throw new Error(
          `Debian's nginx-light is ${nginx}; the harness is written for nginx 1.22 (Debian 12)`,
        );
      linkOrCopy(rootfs.path, join(dir, 'rootfs.tar'));
      src.push('rootfs.tar');
      version = rootfs.versions;
    } else if (image === 'server') {
      cpSync(join(root, 'server'), join(dir, 'server'), {
        recursive: true,
        filter: (p) => !serverFileFilter(p.split('/').pop() ?? ''),
      });
      copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
      copyFileSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
      src.push('server', 'package.json', 'package-lock.json');
      if (persistent) src.push('prod-deps/node_modules'); // COPY prod-dep[s] ./ -> /app/node_modules
      buildargs.NODE_IMAGE = plan.recipes.node.ref;
      version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    } else {
      buildargs.BASE = base;
      const baseVersions = (await inspectImage(docker, base))?.labels[LABEL.version] ?? '';
      if (image === 'toxiproxy') {
        const bin = await locateToxiproxy();
        copyFileSync(bin.path, join(dir, 'toxiproxy-server'));
        src.push('toxiproxy-server');
        version = bin.version;
      } else if (image === 'node') {
        copyFileSync(ctx.nodeBinary, join(dir, 'node'));
        src.push('node');
        version = (await runCommand(ctx.nodeBinary, ['--version'])).output.trim();
      } else {
        version = debVersion(baseVersions, image === 'nginx' ? 'nginx-light' : 'openssh-server');
      }
    }
    log(`${image}: building ${r.ref}`);
    await buildImage(docker, {
      context: dir,
      src,
      dockerfile,
      tag: r.ref,
      buildargs,
      labels: labelsFor(r, source, version),
    });
    return version;
  } finally {
    if (!persistent) rmSync(dir, { recursive: true, force: true });
  }
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
