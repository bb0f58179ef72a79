/**
 * Shared shape of the faults that are one toxiproxy toxic: add on apply, delete on undo.
 */
import type { FaultContext, Undo } from './fault.ts';
import type { ToxicBody } from './toxiproxy-api.ts';

export async function applyToxic<P>(
  ctx: FaultContext<P>,
  toxic: Omit<ToxicBody, 'name' | 'toxicity'> & { toxicity?: number },
): Promise<Undo> {
  const proxy = ctx.leg; // each leg is the toxiproxy proxy of the same name
  const name = `${toxic.type}_${toxic.stream}_${ctx.uid}`;
  await ctx.api.addToxic(proxy, { toxicity: 1, ...toxic, name });
  return () => ctx.api.removeToxic(proxy, name);
}
