/** Delay every chunk server -> client by latency +- jitter (a slow or far-away network). */
import { z } from 'zod';
import { defineFault } from '../fault.ts';
import { applyToxic } from '../toxic-fault.ts';

export const latency = defineFault({
  name: 'latency',
  summary: 'delay each downstream chunk by latency +- jitter ms',
  legs: ['edge', 'edge-b', 'origin', 'redis'],
  params: z.strictObject({
    latency: z.number().int().min(0),
    jitter: z.number().int().min(0).default(0),
  }),
  apply: (ctx) =>
    applyToxic(ctx, {
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: ctx.params.latency, jitter: ctx.params.jitter },
    }),
});
