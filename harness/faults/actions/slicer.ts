/** Split downstream chunks into small slices (odd TCP segmentation; stresses the parser). */
import { z } from 'zod';
import { defineFault } from '../fault.ts';
import { applyToxic } from '../toxic-fault.ts';

export const slicer = defineFault({
  name: 'slicer',
  summary: 'slice downstream chunks to ~averageSize bytes with delayUs between slices',
  legs: ['edge', 'edge-b', 'origin', 'redis'],
  params: z
    .strictObject({
      averageSize: z.number().int().min(1),
      sizeVariation: z.number().int().min(0).default(0),
      /** Microseconds between slices (toxiproxy's unit). */
      delayUs: z.number().int().min(0).default(0),
    })
    .refine((p) => p.sizeVariation < p.averageSize, {
      error: 'sizeVariation must be smaller than averageSize',
      path: ['sizeVariation'],
    }),
  apply: (ctx) =>
    applyToxic(ctx, {
      type: 'slicer',
      stream: 'downstream',
      attributes: {
        average_size: ctx.params.averageSize,
        size_variation: ctx.params.sizeVariation,
        delay: ctx.params.delayUs,
      },
    }),
});
