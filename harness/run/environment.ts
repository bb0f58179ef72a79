/**
 * The machine and versions a run happened on, for results.json: a verdict means little without
 * the nginx/toxiproxy/node versions and the commit it was measured against.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import type { Environment } from '../results/results.ts';
import type { ComponentVersions } from '../topology/topology.ts';

export async function gitCommit(cwd = process.cwd()): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 3000 }, (err, stdout) =>
      resolve(err ? undefined : stdout.trim() || undefined),
    );
  });
}

export async function describeEnvironment(versions: ComponentVersions | undefined): Promise<Environment> {
  const commit = await gitCommit();
  return {
    runtime: versions?.runtime ?? 'local',
    node: versions?.node ?? process.version,
    nginx: versions?.nginx ?? 'unknown',
    ...(versions?.proxy ? { proxy: versions.proxy } : {}),
    ...(versions?.redis ? { redis: versions.redis } : {}),
    toxiproxy: versions?.toxiproxy ?? 'unknown',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    ...(commit ? { gitCommit: commit } : {}),
  };
}
