/**
 * Installing Debian packages provisioning needs (docker.io, mmdebstrap) when we are root on a
 * machine with apt; otherwise the caller prints the command for the user.
 */
import { findTool, lastLines, runCommand } from './command.ts';

export function canAptInstall(env = process.env): boolean {
  return process.getuid?.() === 0 && findTool('apt-get', env) !== undefined;
}

/** `apt-get install -y --no-install-recommends PKGS`, with one `apt-get update` retry for fresh machines. */
export async function aptInstall(packages: string[], log: (line: string) => void): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' }; // RUNLEVEL: start no services.
  const install = () =>
    runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { env });
  log(`$ apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  let result = await install();
  if (result.code !== 0) {
    log('$ apt-get update');
    const update = await runCommand('apt-get', ['update', '-q'], { env });
    if (update.code !== 0)
      throw new Error(`apt-get update failed (exit ${update.code}):\n${lastLines(update.output)}`);
    result = await install();
  }
  if (result.code !== 0)
    throw new Error(
      `apt-get install ${packages.join(' ')} failed (exit ${result.code}):\n${lastLines(result.output)}`,
    );
}
