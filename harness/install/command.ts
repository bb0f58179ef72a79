/** `sse-chaos install [--with-deps] [--browser] [--proxy haproxy|caddy] [--check]`: provisions, prints the report, returns the exit code. */
import { performance } from 'node:perf_hooks';
import { ScenarioConfigError } from '../run/config-error.ts';
import { EXIT } from '../run/exit-codes.ts';
import { provision } from './provision.ts';
import { formatReport } from './report.ts';

export interface InstallFlags {
  withDeps?: boolean;
  browser?: boolean;
  check?: boolean;
  /** Other proxies to provide (haproxy, caddy). */
  proxy?: string[];
}

export async function installCommand(flags: InstallFlags, env = process.env): Promise<number> {
  const started = performance.now();
  const result = await provision({
    env,
    withDeps: flags.withDeps ?? false,
    browser: flags.browser ? 'require' : 'optional',
    checkOnly: flags.check ?? false,
    proxies: (flags.proxy ?? []).map((p) => {
      if (p !== 'haproxy' && p !== 'caddy')
        throw new ScenarioConfigError(
          `--proxy: "${p}" is not a proxy install provides; known: haproxy, caddy`,
        );
      return p;
    }),
  });
  const title = `sse-chaos install (cache ${result.cacheDir})`;
  process.stdout.write(`${formatReport(title, result.rows, performance.now() - started, result.ok)}\n`);
  if (!result.ok) {
    process.stderr.write(`\n${result.failures.join('\n\n')}\n`);
    return EXIT.infrastructure;
  }
  return EXIT.ok;
}
