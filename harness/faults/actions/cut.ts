/**
 * A hard partition. `disable` (default) disables the proxy: live connections get FIN and new ones
 * are refused until the end. `reset` adds reset_peer, which turns connections born during the
 * window into RSTs (on already-open streams it closes with FIN, as toxiproxy 2.12 implements it).
 */
import { z } from 'zod';
import { defineFault } from '../fault.ts';
import { applyToxic, proxiesOf } from '../toxic-fault.ts';

export const cut = defineFault({
  name: 'cut',
  summary: 'disable the proxy (or reset_peer): every connection through the leg is cut',
  legs: ['edge', 'edge-b', 'origin', 'redis'],
  params: z.strictObject({
    mode: z.enum(['disable', 'reset']).default('disable'),
  }),
  async apply(ctx) {
    if (ctx.params.mode === 'reset') {
      return applyToxic(ctx, { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
    }
    const proxies = proxiesOf(ctx);
    for (const proxy of proxies) await ctx.api.setEnabled(proxy, false);
    return async () => {
      for (const proxy of proxies) await ctx.api.setEnabled(proxy, true);
    };
  },
});
