/**
 * Stop the target with a signal and start it again (same port, same event log), so the run goes
 * on: SIGTERM is a deploy (graceful shutdown), SIGKILL a crash. The restart happens in `apply`
 * right after the exit plus `downMs`, so the fault window covers the whole outage.
 */
import { z } from 'zod';
import { defineFault, type FaultContext, type Undo } from '../fault.ts';

const params = z.strictObject({
  /** Time the target stays down after it exited, before the restart. */
  downMs: z.number().int().min(0).default(0),
  /** How long to wait for the exit before escalating to SIGKILL. */
  exitTimeoutMs: z.number().int().min(100).default(8000),
});

async function signalAndRestart(
  ctx: FaultContext<z.output<typeof params>>,
  signal: 'SIGTERM' | 'SIGKILL',
): Promise<Undo> {
  const target = ctx.topology.target;
  const action = signal === 'SIGTERM' ? 'sigterm' : 'sigkill';
  ctx.record({ kind: 'target', t: ctx.now(), action });
  target.kill(signal);
  let exit = await target.waitExit(ctx.params.exitTimeoutMs);
  if (!exit) {
    ctx.record({
      kind: 'target',
      t: ctx.now(),
      action: 'sigkill',
      detail: `no exit ${ctx.params.exitTimeoutMs} ms after ${signal}`,
    });
    target.kill('SIGKILL');
    exit = await target.waitExit(5000);
    if (!exit) throw new Error(`target did not exit after ${signal} and SIGKILL`);
  }
  ctx.record({
    kind: 'target',
    t: ctx.now(),
    action: 'exit',
    detail: `code=${exit.code} signal=${exit.signal}`,
  });
  if (ctx.params.downMs > 0) await new Promise((r) => setTimeout(r, ctx.params.downMs));
  ctx.record({ kind: 'target', t: ctx.now(), action: 'restart' });
  await target.restart();
  ctx.record({ kind: 'target', t: ctx.now(), action: 'ready' });
  return async () => {};
}

export const targetSigterm = defineFault({
  name: 'target-sigterm',
  summary: 'SIGTERM the target (graceful shutdown), then restart it on the same log',
  legs: [],
  params,
  apply: (ctx) => signalAndRestart(ctx, 'SIGTERM'),
});

export const targetSigkill = defineFault({
  name: 'target-sigkill',
  summary: 'SIGKILL the target (crash), then restart it on the same log',
  legs: [],
  params,
  apply: (ctx) => signalAndRestart(ctx, 'SIGKILL'),
});
