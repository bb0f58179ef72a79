/**
 * playwright-core is an optional peer dependency: only runs with real browsers need it (it attaches
 * to the Chromium we start, over CDP). Asking for a `chromium` client without it is an error that
 * names the install command, like the containers runtime without testcontainers.
 */
import { InfrastructureError } from '../../topology/errors.ts';

export type PlaywrightCore = typeof import('playwright-core'); // eslint-disable-line @typescript-eslint/consistent-type-imports -- a type of the whole lazily loaded module

export const PLAYWRIGHT_INSTALL = 'npm i -D playwright-core@^1.65.1';

let loaded: Promise<PlaywrightCore> | undefined;

/** playwright-core, loaded once; a missing package is an InfrastructureError naming the install command. */
export function importPlaywright(): Promise<PlaywrightCore> {
  loaded ??= import('playwright-core').catch((err: unknown) => {
    loaded = undefined;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && /'playwright-core'/.test(e.message)) {
      throw new InfrastructureError(
        'chromium',
        `real-browser (chromium) clients need the playwright-core package, which is not installed: run ` +
          `\`${PLAYWRIGHT_INSTALL}\` and \`npx sse-chaos install --browser\``,
        '',
        { cause: err },
      );
    }
    throw err;
  });
  return loaded;
}
