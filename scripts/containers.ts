/**
 * Provisioning for the containers runtime, non-interactive and idempotent:
 *
 *   npx tsx scripts/containers.ts [--start-engine] [--images auto|local|official]   # engine + images
 *   npx tsx scripts/containers.ts status                                            # what runs, what is missing
 *   npx tsx scripts/containers.ts stop                                              # stop the engine we started
 *   npx tsx scripts/containers.ts sweep                                             # remove leftovers of dead runs
 *
 * `--start-engine` starts dockerd when no engine answers (installing docker.io with apt when root and
 * it is missing) and records its PID under the cache dir; `stop` stops exactly that process. Images
 * are the official ones where a registry answers, else built here (see docker/README.md).
 * Exit codes: 0 done, 1 something could not be provisioned (the message says what to do), 2 usage.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { startEngine, stopEngine } from '../harness/topology/containers/engine.ts';
import { dockerClient } from '../harness/topology/containers/image-store.ts';
import {
  cacheDir,
  ensureImages,
  parseImagesChoice,
  planImages,
  type ImagesChoice,
} from '../harness/topology/containers/provision.ts';
import { sweepStale } from '../harness/topology/containers/sweep.ts';

const say = (line: string): void => console.log(`sse-chaos containers: ${line}`);
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const engineDir = (): string => join(cacheDir(), 'engine');

function diskUse(): string {
  try {
    return execFileSync('docker', ['system', 'df'], { encoding: 'utf8', timeout: 20_000 }).trimEnd();
  } catch {
    return '(docker system df unavailable)';
  }
}

async function provision(opts: { startEngine?: boolean; images: ImagesChoice }): Promise<void> {
  const started = performance.now();
  if (opts.startEngine) {
    const engine = await startEngine({ stateDir: engineDir(), log: say });
    if (engine.started)
      say(
        `engine started (pid ${engine.pid}${engine.installed ? ', docker.io installed' : ''}) in ${secs(engine.ms)}; stop it with: npx tsx scripts/containers.ts stop`,
      );
  }
  let docker;
  try {
    docker = await dockerClient();
  } catch (err) {
    throw new Error(
      `no container engine answers (${(err as Error).message}). Start one with: npx tsx scripts/containers.ts --start-engine`,
      { cause: err },
    );
  }
  const swept = await sweepStale();
  if (swept.containers.length || swept.networks.length)
    say(
      `removed ${swept.containers.length} container(s) and ${swept.networks.length} network(s) left by dead runs`,
    );
  const result = await ensureImages({ docker, images: opts.images, log: say });
  say(`images: ${result.plan.source} (${result.plan.why})`);
  for (const row of result.rows)
    say(
      `  ${row.image.padEnd(10)} ${row.status.padEnd(8)} ${row.ref}${row.ms ? `  ${secs(row.ms)}` : ''}${row.detail ? `  [${row.detail}]` : ''}`,
    );
  say(`ready in ${secs(performance.now() - started)} (cache: ${cacheDir()})`);
}

async function status(images: ImagesChoice): Promise<void> {
  const docker = await dockerClient().catch(() => undefined);
  if (!docker) {
    say('no container engine answers; start one with: npx tsx scripts/containers.ts --start-engine');
    process.exitCode = 1;
    return;
  }
  const plan = await planImages(docker, { images });
  say(`images: ${plan.source} (${plan.why})`);
  for (const [image, ref] of Object.entries(plan.refs)) say(`  ${image.padEnd(10)} ${ref}`);
  if (plan.missing.length) {
    say(
      `missing: ${plan.missing.join(', ')}${plan.problem ? ` — cannot be made here: ${plan.problem}` : ''}`,
    );
    say('make them with: npx tsx scripts/containers.ts');
    process.exitCode = 1;
  } else say('every image is present');
  console.log(diskUse());
}

const program = new Command('containers')
  .description('engine and images for the containers runtime')
  .exitOverride()
  .addOption(
    new Option('--start-engine', 'start dockerd when no engine answers (installs docker.io when root)'),
  )
  .addOption(
    new Option('--images <source>', 'auto | local | official').default(
      process.env.SSE_CHAOS_IMAGES ?? 'auto',
    ),
  )
  .argument('[command]', 'build (default) | status | stop | sweep', 'build');

try {
  program.parse();
  const [command] = program.args.length ? program.args : ['build'];
  const opts = program.opts<{ startEngine?: boolean; images: string }>();
  const images = parseImagesChoice(opts.images);
  if (command === 'build') await provision({ startEngine: opts.startEngine, images });
  else if (command === 'status') await status(images);
  else if (command === 'stop') {
    const r = await stopEngine(engineDir());
    say(r.stopped ? `engine (pid ${r.pid}) stopped` : `nothing to stop: ${r.reason}`);
  } else if (command === 'sweep') {
    const r = await sweepStale();
    say(`removed ${r.containers.length} container(s) and ${r.networks.length} network(s) left by dead runs`);
  } else {
    console.error(`unknown command "${command}"; commands: build, status, stop, sweep`);
    process.exitCode = 2;
  }
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? 0 : 2;
  else {
    console.error(`sse-chaos containers: ${(err as Error).message}`);
    process.exitCode = (err as Error).name === 'TopologyConfigError' ? 2 : 1;
  }
}
