/**
 * Stop the stack's Redis (the shared log of a multi-instance target) and start it again on the same
 * port and dir after `downMs`: a failover of a managed Redis, a restart for an upgrade. While it is
 * down, publishes must fail cleanly (no acknowledgement, so nothing acknowledged is lost) and open
 * streams must survive it or end with a declared reset. SIGTERM lets Redis finish its AOF; SIGKILL is
 * a crash. A Redis without persistence comes back empty (a new log): the plan only allows this
 * fault on a Redis run with `redisPersistence: 'aof-always'`, whose log survives.
 */
import { z } from 'zod';
import { defineFault } from '../fault.ts';

export const redisRestart = defineFault({
  name: 'redis-restart',
  summary: "stop the stack's Redis (SIGTERM or SIGKILL) and start it again after downMs",
  legs: [],
  params: z.strictObject({
    downMs: z.number().int().min(0).default(1000),
    signal: z.enum(['SIGTERM', 'SIGKILL']).default('SIGTERM'),
  }),
  async apply(ctx) {
    const redis = ctx.topology.redis;
    if (!redis) throw new Error("the stack has no Redis (the target's log is not 'redis')");
    ctx.record({ kind: 'redis', t: ctx.now(), action: 'stop', detail: ctx.params.signal });
    const exit = await redis.stop(ctx.params.signal);
    if (!exit) throw new Error(`redis-server did not exit after ${ctx.params.signal}`);
    ctx.record({
      kind: 'redis',
      t: ctx.now(),
      action: 'exit',
      detail: `code=${exit.code} signal=${exit.signal}`,
    });
    if (ctx.params.downMs > 0) await new Promise((r) => setTimeout(r, ctx.params.downMs));
    ctx.record({ kind: 'redis', t: ctx.now(), action: 'start' });
    await redis.start();
    ctx.record({ kind: 'redis', t: ctx.now(), action: 'ready' });
    return async () => {};
  },
});
