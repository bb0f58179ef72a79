/**
 * Shared shape of the faults that are one toxiproxy toxic: add on apply, delete on undo. A fault on
 * `origin` of a multi-instance stack goes on every instance's origin leg.
 */
import { legProxies } from '../topology/instances.ts';
import type { FaultContext, Undo } from './fault.ts';
import type { ToxicBody } from './toxiproxy-api.ts';

/** The toxiproxy proxies the fault's leg names (each leg is the proxy of the same name). */
export function proxiesOf<P>(ctx: FaultContext<P>): string[] {
  return legProxies(
    ctx.leg,
    ctx.topology.target.instances?.map((i) => i.leg),
  );
}

export async function applyToxic<P>(
  ctx: FaultContext<P>,
  toxic: Omit<ToxicBody, 'name' | 'toxicity'> & { toxicity?: number },
): Promise<Undo> {
  const name = `${toxic.type}_${toxic.stream}_${ctx.uid}`;
  const added: string[] = [];
  const undo: Undo = async () => {
    for (const proxy of added.splice(0)) await ctx.api.removeToxic(proxy, name);
  };
  try {
    for (const proxy of proxiesOf(ctx)) {
      await ctx.api.addToxic(proxy, { toxicity: 1, ...toxic, name });
      added.push(proxy);
    }
  } catch (err) {
    await undo().catch(() => {});
    throw err;
  }
  return undo;
}
