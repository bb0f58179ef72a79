/**
 * A graceful reload of the proxy, optionally to another of its profiles (a config deploy): `nginx -s
 * reload`, HAProxy's master-worker reload, Caddy's admin /load (named for nginx, the first proxy; it
 * works for every kind). Old workers keep serving open streams; undo reloads the original profile
 * if it changed.
 */
import { z } from 'zod';
import { defineFault } from '../fault.ts';

export const nginxReload = defineFault({
  name: 'nginx-reload',
  summary: 'reload the proxy gracefully (optionally to another profile); undo restores the original profile',
  legs: [],
  params: z.strictObject({ profile: z.string().min(1).optional() }),
  async apply(ctx) {
    const original = ctx.topology.proxy.profile;
    const profile = ctx.params.profile ?? original;
    await ctx.topology.proxy.reload(profile);
    ctx.record({ kind: 'nginx', t: ctx.now(), action: 'reload', profile });
    return async () => {
      if (profile === original) return;
      await ctx.topology.proxy.reload(original);
      ctx.record({ kind: 'nginx', t: ctx.now(), action: 'reload', profile: original });
    };
  },
});
