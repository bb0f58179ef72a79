/**
 * Faults below TCP, on the link of a target that runs in its own network namespace (the scenario
 * asks for `topology.netns`; harness/topology/netns.ts): what toxiproxy, which works on whole reads
 * and writes of a TCP stream, cannot do. A lost segment costs a retransmission timeout (200 ms at
 * least on Linux, doubling on each loss), so a small loss rate turns into a long latency tail.
 *
 * - `packet-loss`: nftables drops `percent` of the packets crossing the link (`numgen random`).
 * - `rate-limit`: tbf caps what the target sends (its streams and its answers) to `kbit`.
 * - `netem`: delay with jitter and correlation, reordering, duplication, corruption, loss: only where
 *   the kernel has the netem qdisc (the plan skips these scenarios otherwise, with the reason).
 */
import { z } from 'zod';
import type { NetnsControl } from '../../topology/netns.ts';
import { defineFault, type FaultContext, type Undo } from '../fault.ts';

function netnsOf(ctx: FaultContext<unknown>): NetnsControl {
  const n = ctx.topology.netns;
  if (!n)
    throw new Error('the target is not in a network namespace (the scenario needs topology.netns: true)');
  return n;
}

/**
 * Applies a link fault; its undo first records what the kernel counted (the fault's mark in the
 * history: packets dropped, packets a shaper held back), then removes it.
 */
async function withCounters(
  ctx: FaultContext<unknown>,
  fault: string,
  apply: (n: NetnsControl) => Promise<Undo>,
): Promise<Undo> {
  const n = netnsOf(ctx);
  const undo = await apply(n);
  return async () => {
    const c = await n.counters().catch(() => undefined);
    if (c) ctx.record({ kind: 'link', t: ctx.now(), fault, ...c });
    await undo();
  };
}

export const packetLoss = defineFault({
  name: 'packet-loss',
  summary: "drop percent% of the packets on the target's link (nftables; needs topology.netns)",
  legs: [],
  params: z.strictObject({
    percent: z.number().gt(0, { message: 'expected a loss above 0 %' }).max(100),
    direction: z.enum(['both', 'egress', 'ingress']).default('both'),
  }),
  apply: (ctx) =>
    withCounters(ctx, 'packet-loss', (n) => n.packetLoss(ctx.params.percent, ctx.params.direction)),
});

export const rateLimit = defineFault({
  name: 'rate-limit',
  summary: 'cap what the target sends to kbit kbit/s (tbf; needs topology.netns)',
  legs: [],
  params: z.strictObject({
    kbit: z.number().int().min(8),
    /** The bucket: bytes that may leave at once (at least one MTU-sized packet). */
    burstBytes: z.number().int().min(1600).default(16_000),
    /** How long a packet may wait in the queue before tbf drops it. */
    latencyMs: z.number().int().min(1).default(400),
  }),
  apply: (ctx) =>
    withCounters(ctx, 'rate-limit', (n) =>
      n.rate(ctx.params.kbit, ctx.params.burstBytes, ctx.params.latencyMs),
    ),
});

const pct = z.number().min(0).max(100);

/** tc's netem arguments for the params (pure). */
export function netemArgs(p: {
  delayMs: number;
  jitterMs: number;
  correlationPct: number;
  reorderPct: number;
  duplicatePct: number;
  corruptPct: number;
  lossPct: number;
}): string[] {
  const args = ['delay', `${p.delayMs}ms`];
  if (p.jitterMs > 0) args.push(`${p.jitterMs}ms`, `${p.correlationPct}%`);
  if (p.reorderPct > 0) args.push('reorder', `${p.reorderPct}%`);
  if (p.duplicatePct > 0) args.push('duplicate', `${p.duplicatePct}%`);
  if (p.corruptPct > 0) args.push('corrupt', `${p.corruptPct}%`);
  if (p.lossPct > 0) args.push('loss', `${p.lossPct}%`);
  return args;
}

export const netem = defineFault({
  name: 'netem',
  summary:
    "delay+jitter, reorder, duplicate, corrupt packets on the target's link (netem; needs the kernel's)",
  legs: [],
  params: z
    .strictObject({
      delayMs: z.number().int().min(0).default(0),
      jitterMs: z.number().int().min(0).default(0),
      correlationPct: pct.default(0),
      reorderPct: pct.default(0),
      duplicatePct: pct.default(0),
      corruptPct: pct.default(0),
      lossPct: pct.default(0),
    })
    .refine((p) => p.reorderPct === 0 || p.delayMs > 0, {
      message: 'netem reorders only delayed packets: give delayMs > 0 with reorderPct',
      path: ['reorderPct'],
    }),
  apply: (ctx) => withCounters(ctx, 'netem', (n) => n.netem(netemArgs(ctx.params))),
});
