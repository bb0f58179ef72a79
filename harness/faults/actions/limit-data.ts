/**
 * Cut each connection after `bytes` more downstream bytes: a clean mid-event truncation (a proxy
 * or load balancer dropping a stream in the middle of a frame). Counts from when it is added, and
 * again for every connection opened while it is active.
 */
import { z } from 'zod';
import { defineFault } from '../fault.ts';
import { applyToxic } from '../toxic-fault.ts';

export const limitData = defineFault({
  name: 'limit-data',
  summary: 'close each connection after N more downstream bytes (mid-frame cut)',
  legs: ['edge', 'edge-b', 'origin', 'redis'],
  params: z.strictObject({ bytes: z.number().int().min(1) }),
  apply: (ctx) =>
    applyToxic(ctx, { type: 'limit_data', stream: 'downstream', attributes: { bytes: ctx.params.bytes } }),
});
