/** toxiproxy-server as a local child process on a free loopback port. */
import { Toxiproxy } from 'toxiproxy-node-client';
import { InfrastructureError } from './errors.ts';
import { spawnManaged, type ManagedProcess } from './managed-process.ts';
import { freePort, looksLikePortClash } from './ports.ts';
import { httpGet, tail, waitUntil } from './readiness.ts';

export interface LocalToxiproxy {
  api: string;
  client: Toxiproxy;
  process: ManagedProcess;
}

export async function startLocalToxiproxy(binary: string, signal?: AbortSignal): Promise<LocalToxiproxy> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = spawnManaged('toxiproxy', binary, ['-host', '127.0.0.1', '-port', String(port)], {
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    });
    const api = `http://127.0.0.1:${port}`;
    try {
      await waitUntil({
        component: 'toxiproxy',
        what: `GET ${api}/version answers 200`,
        check: async () => (await httpGet(`${api}/version`)).status === 200,
        exited: proc.exited,
        logTail: () => proc.output(),
        timeoutMs: 10_000,
        signal,
      });
      return { api, client: new Toxiproxy(api), process: proc };
    } catch (err) {
      await proc.stop(500);
      if (attempt < 3 && looksLikePortClash(proc.output())) continue;
      if (err instanceof InfrastructureError) throw err;
      throw new InfrastructureError('toxiproxy', (err as Error).message, tail(proc.output()));
    }
  }
}
