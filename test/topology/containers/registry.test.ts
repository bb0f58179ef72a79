/** The registry probe is bounded: any HTTP answer means reachable; refusal or silence means not. */
import { describe, expect, it } from 'vitest';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { registriesReachable } from '../../../harness/topology/containers/registry.ts';

function listen<T extends Server | ReturnType<typeof createHttpServer>>(srv: T): Promise<number> {
  return new Promise((resolve) =>
    srv.listen(0, '127.0.0.1', () => resolve((srv.address() as AddressInfo).port)),
  );
}

describe('registry reachability', () => {
  it('counts a registry that wants a token (401) as reachable', async () => {
    const srv = createHttpServer((_req, res) => {
      res.statusCode = 401;
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    });
    const port = await listen(srv);
    try {
      expect(await registriesReachable([`http://127.0.0.1:${port}/v2/`], 2_000)).toBe(true);
    } finally {
      srv.close();
    }
  });

  it('is false when any registry refuses, and when one stays silent, within the timeout', async () => {
    const silent = createServer(() => {}); // Accepts and never answers: a black hole.
    const port = await listen(silent);
    const gone = createServer();
    const refused = await listen(gone);
    await new Promise((r) => gone.close(r)); // Nobody listens there any more: connection refused.
    try {
      // A silent registry would hang a naive probe forever; the test's own timeout catches that.
      expect(await registriesReachable([`http://127.0.0.1:${port}/v2/`], 300)).toBe(false);
      expect(
        await registriesReachable([`http://127.0.0.1:${refused}/v2/`, `http://127.0.0.1:${port}/x`], 300),
      ).toBe(false);
    } finally {
      silent.close();
    }
  });
});
