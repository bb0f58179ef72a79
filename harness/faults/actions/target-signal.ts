/**
 * Stop the target with a signal and start it again (same port, same event log), so the run goes
 * on: SIGTERM is a deploy (graceful shutdown), SIGKILL a crash. The restart happens in `apply`
 * right after the exit plus `downMs`, so the fault window covers the whole outage. With several
 * instances, `instance` (`instance-2`) picks one: the others keep serving (a rolling deploy, a node
 * lost); without it every instance goes down together.
 */
import { z } from 'zod';
import type { InstanceControl, TargetControl } from '../../topology/topology.ts';
import { defineFault, type FaultContext, type Undo } from '../fault.ts';

const params = z.strictObject({
  /** Time the target stays down after it exited, before the restart. */
  downMs: z.number().int().min(0).default(0),
  /** How long to wait for the exit before escalating to SIGKILL. */
  exitTimeoutMs: z.number().int().min(100).default(8000),
  /** One instance of several (`instance-1`, ...); default: the whole target. */
  instance: z
    .string()
    .regex(/^instance-\d+$/, { message: 'expected an instance name like "instance-1"' })
    .optional(),
});

/** The process(es) a step acts on: one named instance, or the whole target. */
export function signalTarget(
  target: TargetControl,
  instance: string | undefined,
): InstanceControl | TargetControl {
  if (instance === undefined) return target;
  const one = target.instances?.find((i) => i.name === instance);
  if (!one) {
    const known = target.instances?.map((i) => i.name).join(', ');
    throw new Error(
      known
        ? `no instance "${instance}"; the target has ${known}`
        : `no instance "${instance}": the target runs one instance`,
    );
  }
  return one;
}

async function signalAndRestart(
  ctx: FaultContext<z.output<typeof params>>,
  signal: 'SIGTERM' | 'SIGKILL',
): Promise<Undo> {
  const instance = ctx.params.instance;
  const target = signalTarget(ctx.topology.target, instance);
  const which = instance !== undefined ? { instance } : {};
  const action = signal === 'SIGTERM' ? 'sigterm' : 'sigkill';
  ctx.record({ kind: 'target', t: ctx.now(), action, ...which });
  target.kill(signal);
  let exit = await target.waitExit(ctx.params.exitTimeoutMs);
  if (!exit) {
    ctx.record({
      kind: 'target',
      t: ctx.now(),
      action: 'sigkill',
      detail: `no exit ${ctx.params.exitTimeoutMs} ms after ${signal}`,
      ...which,
    });
    target.kill('SIGKILL');
    exit = await target.waitExit(5000);
    if (!exit) throw new Error(`${instance ?? 'target'} did not exit after ${signal} and SIGKILL`);
  }
  ctx.record({
    kind: 'target',
    t: ctx.now(),
    action: 'exit',
    detail: `code=${exit.code} signal=${exit.signal}`,
    ...which,
  });
  if (ctx.params.downMs > 0) await new Promise((r) => setTimeout(r, ctx.params.downMs));
  ctx.record({ kind: 'target', t: ctx.now(), action: 'restart', ...which });
  await target.restart();
  ctx.record({ kind: 'target', t: ctx.now(), action: 'ready', ...which });
  return async () => {};
}

export const targetSigterm = defineFault({
  name: 'target-sigterm',
  summary: 'SIGTERM the target or one instance (graceful shutdown), then restart it on the same log',
  legs: [],
  params,
  apply: (ctx) => signalAndRestart(ctx, 'SIGTERM'),
});

export const targetSigkill = defineFault({
  name: 'target-sigkill',
  summary: 'SIGKILL the target or one instance (crash), then restart it on the same log',
  legs: [],
  params,
  apply: (ctx) => signalAndRestart(ctx, 'SIGKILL'),
});
