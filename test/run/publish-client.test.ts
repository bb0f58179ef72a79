/**
 * Publishing to several instances: each publish goes to the next instance in turn (every instance
 * appends to the shared log), one refused at connect goes to the next instance (it never reached a
 * server: it cannot land twice), and any other failure is final.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { publisherFor } from '../../harness/run/publish-client.ts';
import { parseTarget } from '../../harness/topology/target.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** An instance that answers every publish with its own name in the id (or with `status`). */
async function instance(
  name: string,
  status = 200,
): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      if (status !== 200) res.writeHead(status).end('event not stored');
      else
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: `${name}-${hits}` }));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/publish`;
  return {
    url,
    hits: () => hits,
    close: () =>
      new Promise<void>((r) => {
        servers.splice(servers.indexOf(server), 1);
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const target = parseTarget({ kind: 'reference', options: { log: 'redis', instances: 2 } });
const msg = { topic: 't', data: 'x' };

describe('publishing to several instances', () => {
  it('goes to each instance in turn', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const publish = publisherFor(target, [a.url, b.url]);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await publish(msg, AbortSignal.timeout(2000)));
    expect(ids).toEqual(['a-1', 'b-1', 'a-2', 'b-2']);
  });

  it('sends a publish refused at connect (the instance is down) to the next instance', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    await b.close();
    const publish = publisherFor(target, [a.url, b.url]);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await publish(msg, AbortSignal.timeout(2000)));
    expect(ids).toEqual(['a-1', 'a-2', 'a-3']);
  });

  it('does not resend a publish the instance answered with an error (it may be stored)', async () => {
    const [a, b] = [await instance('a', 503), await instance('b')];
    const publish = publisherFor(target, [a.url, b.url]);
    await expect(publish(msg, AbortSignal.timeout(2000))).rejects.toThrow(/HTTP 503/);
    expect([a.hits(), b.hits()]).toEqual([1, 0]);
  });

  it('fails when every instance refuses', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    await a.close();
    await b.close();
    await expect(publisherFor(target, [a.url, b.url])(msg, AbortSignal.timeout(2000))).rejects.toThrow(
      /fetch failed/,
    );
  });
});
