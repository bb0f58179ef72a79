/**
 * Several toxiproxy-server processes, each carrying every leg (edge, edge-b, origin) for its share
 * of the fleet. The open-file limit binds per process and toxiproxy holds 4 descriptors per stream,
 * so one process caps a stack at a few thousand streams; shards lift that. A leg keeps one name on
 * every shard, so faults address it as before (harness/faults/toxiproxy-api.ts fans out).
 */
import type { Proxy } from 'toxiproxy-node-client';
import { createLeg, setLegUpstream } from './proxies.ts';
import { startLocalToxiproxy, type LocalToxiproxy } from './toxiproxy-local.ts';

/**
 * Starts `count` toxiproxy-server processes in parallel. `own` receives each one's stop as soon as it
 * runs (so a failure of another still stops it); rejects with the first failure.
 */
export async function startToxiproxyShards(
  binary: string,
  count: number,
  own: (stop: () => Promise<void>) => void,
  signal?: AbortSignal,
): Promise<LocalToxiproxy[]> {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`toxiproxy processes must be an integer >= 1, got ${count}`);
  const started = await Promise.allSettled(
    Array.from({ length: count }, async () => {
      const toxi = await startLocalToxiproxy(binary, signal);
      own(() => toxi.process.stop(1_000).then(() => {}));
      return toxi;
    }),
  );
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  return started.map((r) => (r as PromiseFulfilledResult<LocalToxiproxy>).value);
}

/** Creates leg `name` on every shard; `upstream` is one address for all or one per shard. */
export function createLegOnShards(
  shards: readonly LocalToxiproxy[],
  name: string,
  upstream: string | ((shard: number) => string),
): Promise<Proxy[]> {
  return Promise.all(
    shards.map((s, i) =>
      createLeg(s.client, name, '127.0.0.1:0', typeof upstream === 'string' ? upstream : upstream(i)),
    ),
  );
}

/** Points leg `name` of every shard at `upstream`, keeping each one's port. */
export async function setLegUpstreamOnShards(
  shards: readonly LocalToxiproxy[],
  name: string,
  upstream: string,
): Promise<void> {
  await Promise.all(shards.map((s) => setLegUpstream(s.client, name, upstream)));
}

/** Every shard's output, each block headed by its API address (for the report's logs). */
export function shardsOutput(shards: readonly LocalToxiproxy[]): string {
  if (shards.length === 1) return shards[0]!.process.output();
  return shards.map((s) => `== toxiproxy ${s.api}\n${s.process.output()}`).join('\n');
}
