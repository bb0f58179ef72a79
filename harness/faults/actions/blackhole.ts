/**
 * A silent partition: bytes are read and dropped, sockets stay open, nobody sees an error (a
 * stateful firewall or NAT that forgot the flow). Toxiproxy `timeout` with timeout 0.
 * Undo deletes the toxic, which closes every connection it touched (toxiproxy 2.12 behaviour).
 * `direction`: downstream (default: what an SSE stream needs), or `both`, a real partition of a
 * request/response link (to Redis: commands must not arrive either, or they would still run).
 */
import { z } from 'zod';
import { defineFault, type Undo } from '../fault.ts';
import { applyToxic } from '../toxic-fault.ts';

export const blackhole = defineFault({
  name: 'blackhole',
  summary: 'drop all downstream bytes silently, connections stay open',
  legs: ['edge', 'edge-b', 'origin', 'redis'],
  params: z.strictObject({ direction: z.enum(['downstream', 'upstream', 'both']).default('downstream') }),
  async apply(ctx) {
    const streams =
      ctx.params.direction === 'both'
        ? (['downstream', 'upstream'] as const)
        : ([ctx.params.direction] as const);
    const undos: Undo[] = [];
    try {
      for (const stream of streams)
        undos.push(await applyToxic(ctx, { type: 'timeout', stream, attributes: { timeout: 0 } }));
    } catch (err) {
      for (const u of undos) await u().catch(() => {});
      throw err;
    }
    return async () => {
      for (const u of undos) await u();
    };
  },
});
