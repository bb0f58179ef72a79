/**
 * A silent partition: bytes are read and dropped, sockets stay open, nobody sees an error (a
 * stateful firewall or NAT that forgot the flow). Toxiproxy `timeout` with timeout 0.
 * Undo deletes the toxic, which closes every connection it touched (toxiproxy 2.12 behaviour).
 */
import { z } from 'zod';
import { defineFault } from '../fault.ts';
import { applyToxic } from '../toxic-fault.ts';

export const blackhole = defineFault({
  name: 'blackhole',
  summary: 'drop all downstream bytes silently, connections stay open',
  legs: ['edge', 'edge-b', 'origin'],
  params: z.strictObject({}),
  apply: (ctx) => applyToxic(ctx, { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } }),
});
