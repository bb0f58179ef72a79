/**
 * Several instances of one target as local child processes: the reference server or a zoo member,
 * each on its own port with the same flags, all on one shared Redis log. Together they are the stack's
 * target: `kill`, `waitExit` and `restart` act on every instance; `instances` on one at a time.
 */
import type { InstanceControl, TargetControl } from './topology.ts';
import { instanceName } from './instances.ts';
import { startLocalTarget, type LocalTarget, type LocalTargetOptions } from './target-local.ts';
import type { TargetSpec } from './target.ts';

export interface NamedTarget extends LocalTarget {
  name: string;
}

/**
 * Starts `count` instances at once. If one fails the others are stopped before the error is thrown;
 * `onStarted` registers each with the stack's owner as soon as it runs.
 */
export async function startLocalInstances(
  spec: TargetSpec,
  count: number,
  options: LocalTargetOptions,
  onStarted: (t: NamedTarget) => void,
): Promise<NamedTarget[]> {
  const results = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      const name = instanceName(i);
      const t = await startLocalTarget(spec, { ...options, name });
      const named = { ...t, name };
      onStarted(named);
      return named;
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<NamedTarget>).value);
}

/** One instance's control, with the origin leg the stack gave it. */
export function instanceControl(t: NamedTarget, leg: string, upstream: string): InstanceControl {
  return {
    name: t.name,
    leg,
    upstream,
    kill: (signal) => t.control.kill(signal),
    waitExit: (ms) => t.control.waitExit(ms),
    restart: () => t.control.restart(),
    get running() {
      return t.control.running;
    },
    pid: () => t.pid(),
  };
}

/** The target made of every instance: signals and restarts reach them all, logs are labelled. */
export function clusterControl(
  targets: readonly NamedTarget[],
  instances: readonly InstanceControl[],
): TargetControl {
  return {
    instances,
    kill(signal) {
      for (const t of targets) t.control.kill(signal);
    },
    async waitExit(timeoutMs) {
      const exits = await Promise.all(targets.map((t) => t.control.waitExit(timeoutMs)));
      return exits.every((e) => e !== undefined) ? exits[0] : undefined;
    },
    async restart() {
      await Promise.all(targets.map((t) => t.control.restart()));
    },
    get running() {
      return targets.some((t) => t.control.running);
    },
    logs: () => targets.map((t) => `--- ${t.name} ---\n${t.control.logs()}`).join('\n'),
  };
}
