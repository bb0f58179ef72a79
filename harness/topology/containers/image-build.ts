/**
 * Building one local image: its context folder (Dockerfile, rootfs, binary or the server's files),
 * build arguments, and the labels that record what went in (image, inputs hash, source, version).
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
import { join } from 'node:path';
import { codeRoot, fromSource } from '../../package-layout.ts';
import { locateToxiproxy } from '../binaries.ts';
import { ensureRootfs } from './base-rootfs.ts';
import { lastLines, runCommand } from './command.ts';
import { buildImage, inspectImage, type Docker } from './image-store.ts';
import { LABEL } from './labels.ts';
import { type ImageSource, type LocalImage, type Recipe } from './recipes.ts';
import type { ImagePlan } from './provision.ts';

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

export interface BuildContext {
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

/**
 * The reference server as JavaScript (the image runs it with plain node, no TypeScript loader): the
 * package's compiled dist/server as is, or, in a clone, the sources bundled into one ESM file with
 * esbuild (a dev dependency there; dependencies stay external and come from prod-deps).
 */
async function compiledServer(root: string, out: string): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  if (!fromSource) {
    cpSync(join(codeRoot, 'server'), out, { recursive: true, filter: (p) => !p.endsWith('.d.ts') });
    return;
  }
  // A type of the whole lazily loaded module (esbuild is only in a clone's dev dependencies).
  const esbuild: typeof import('esbuild') = await import('esbuild'); // eslint-disable-line @typescript-eslint/consistent-type-imports
  await esbuild.build({
    entryPoints: [join(root, 'server', 'main.ts')],
    outfile: join(out, 'main.js'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
}

export async function buildOne(ctx: BuildContext, image: LocalImage): Promise<string> {
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
      await compiledServer(root, join(dir, 'dist', 'server'));
      copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
      copyFileSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
      src.push('dist', 'package.json', 'package-lock.json');
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
