/**
 * Several instances of one target behind the proxy: their names, their origin legs, and how many a
 * target spec asks for. Pure. A stack with one instance keeps the single-target names (`origin`, no
 * instance name in any record), so every one-instance run stays exactly as it was.
 */
import type { Leg } from '../history/records.ts';
import type { TargetSpec } from './target.ts';

/** `instance-1`, `instance-2`, ... (1-based, as people count them). */
export function instanceName(index: number): string {
  return `instance-${index + 1}`;
}

/** The origin leg of instance `index` of `count`: `origin` for a single instance, else `origin-N`. */
export function instanceLeg(index: number, count: number): Leg {
  return count === 1 ? 'origin' : `origin-${index + 1}`;
}

/** How many instances of the target the stack starts (only the reference server and zoo members scale). */
export function instanceCount(spec: TargetSpec): number {
  return spec.kind === 'reference' || spec.kind === 'zoo' ? (spec.options.instances ?? 1) : 1;
}

/** Whether the stack must start a redis-server for the target's log. */
export function usesRedis(spec: TargetSpec): boolean {
  return (spec.kind === 'reference' || spec.kind === 'zoo') && spec.options.log === 'redis';
}

/** Is `leg` the origin leg of one instance (`origin-2`)? Its 1-based number, else undefined. */
export function instanceOfLeg(leg: string): number | undefined {
  const m = /^origin-(\d+)$/.exec(leg);
  return m ? Number(m[1]) : undefined;
}

/** The toxiproxy proxies a fault on `leg` acts on: `origin` means every instance's leg. */
export function legProxies(leg: Leg, instanceLegs: readonly string[] | undefined): string[] {
  if (leg === 'origin' && instanceLegs && instanceLegs.length > 1) return [...instanceLegs];
  return [leg];
}
