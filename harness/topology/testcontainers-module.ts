/**
 * testcontainers is an optional peer dependency: users of the local runtime never install it (nor
 * its ssh2 and native cpu-features build). Asking for the containers runtime without it is an error
 * that names the install command.
 */
import { InfrastructureError } from './errors.ts';

export type Testcontainers = typeof import('testcontainers'); // eslint-disable-line @typescript-eslint/consistent-type-imports -- a type of the whole lazily loaded module

export const TESTCONTAINERS_INSTALL = 'npm i -D testcontainers@^11.14.0';

export async function importTestcontainers(): Promise<Testcontainers> {
  try {
    return await import('testcontainers');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && /'testcontainers'/.test(e.message)) {
      throw new InfrastructureError(
        'containers',
        `the containers runtime needs the testcontainers package, which is not installed: run \`${TESTCONTAINERS_INSTALL}\` ` +
          '(or use SSE_CHAOS_RUNTIME=local)',
        '',
        { cause: err },
      );
    }
    throw err;
  }
}
