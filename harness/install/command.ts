/** `sse-chaos install [--with-deps] [--browser] [--check]`: provisions, prints the report, returns the exit code. */
import { performance } from 'node:perf_hooks';
import { EXIT } from '../run/exit-codes.ts';
import { provision } from './provision.ts';
import { formatReport } from './report.ts';

export interface InstallFlags {
  withDeps?: boolean;
  browser?: boolean;
  check?: boolean;
}

export async function installCommand(flags: InstallFlags, env = process.env): Promise<number> {
  const started = performance.now();
  const result = await provision({
    env,
    withDeps: flags.withDeps ?? false,
    browser: flags.browser ? 'require' : 'optional',
    checkOnly: flags.check ?? false,
  });
  const title = `sse-chaos install (cache ${result.cacheDir})`;
  process.stdout.write(`${formatReport(title, result.rows, performance.now() - started, result.ok)}\n`);
  if (!result.ok) {
    process.stderr.write(`\n${result.failures.join('\n\n')}\n`);
    return EXIT.infrastructure;
  }
  return EXIT.ok;
}
