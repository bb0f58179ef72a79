/** Cap server -> client throughput per connection (a slow consumer, a congested mobile link). */
import { z } from 'zod';
import { defineFault } from '../fault.ts';
import { applyToxic } from '../toxic-fault.ts';

export const bandwidth = defineFault({
  name: 'bandwidth',
  summary: 'limit downstream throughput to rate KB/s per connection',
  legs: ['edge', 'edge-b', 'origin', 'redis'],
  // rate 0 stalls forever and can hang the toxic's removal; a negative rate crashes toxiproxy.
  params: z.strictObject({
    rate: z
      .number()
      .int()
      .min(1, {
        error: (i) => `expected a rate of at least 1 KB/s (0 hangs toxiproxy), got ${String(i.input)}`,
      }),
  }),
  apply: (ctx) =>
    applyToxic(ctx, { type: 'bandwidth', stream: 'downstream', attributes: { rate: ctx.params.rate } }),
});
