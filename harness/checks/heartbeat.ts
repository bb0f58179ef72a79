/**
 * Heartbeat: the longest silence (no byte of any kind) on an open stream, idle cuts, and stalls.
 *
 * An idle cut is an open stream that ended by `eof`/`error`, after at least `idleMinSilenceMs` of
 * silence, while nothing was disrupting its subscriber and the run was not tearing down (before
 * `drained`/run end): an intermediary's idle timer fired (nginx proxy_read_timeout, a load balancer)
 * because bytes were too sparse. A stream that was busy until it ended (a server cutting a slow
 * client) was not idle. A stall is
 * the client's own watchdog ending such a stream for silence: the target sent nothing for several
 * heartbeat intervals.
 */
import { asArray, type Check } from './check.ts';
import { connectionModel } from './connections.ts';
import { disruptions } from './disruptions.ts';
import { runBounds } from './bounds.ts';
import { percentile, round3 } from './stats.ts';

export const heartbeat: Check = {
  name: 'heartbeat',
  description:
    'longest silence on open streams; idle streams cut by an intermediary or stalled at the client',
  run(history, ctx) {
    const records = asArray(history);
    const { connections } = connectionModel(records, ctx);
    const dis = disruptions(records, ctx);
    const bounds = runBounds(records);
    const teardownT = Math.min(bounds.drainedT ?? Infinity, bounds.endT);
    let heartbeats = 0;
    for (const r of records) if (r.kind === 'heartbeat') heartbeats++;
    let maxSilence: number | null = null;
    let maxOutside: number | null = null;
    let openConnections = 0;
    let stalls = 0;
    const cutSilence: number[] = [];
    const cutAge: number[] = [];
    for (const c of connections) {
      if (!c.open) continue;
      openConnections++;
      maxSilence = Math.max(maxSilence ?? 0, c.maxSilenceMs);
      maxOutside = Math.max(maxOutside ?? 0, c.maxSilenceOutsideMs);
      const t = c.closeT;
      if (t === undefined || t >= teardownT || dis.forSub(c.sub).contains(t)) continue;
      if (c.closeReason === 'stalled') stalls++;
      if (c.closeReason !== 'eof' && c.closeReason !== 'error') continue;
      if ((c.silenceAtCloseMs ?? 0) < ctx.idleMinSilenceMs) continue;
      cutSilence.push(c.silenceAtCloseMs ?? 0);
      cutAge.push(t - (c.responseT ?? c.connectT));
    }
    return {
      'heartbeat.count': heartbeats,
      'heartbeat.openConnections': openConnections,
      'heartbeat.maxSilenceMs': round3(maxSilence),
      'heartbeat.maxSilenceOutsideFaultMs': round3(maxOutside),
      'heartbeat.idleCuts': cutSilence.length,
      'heartbeat.idleCutSilenceP50Ms': round3(percentile(cutSilence, 50)),
      'heartbeat.idleCutAgeP50Ms': round3(percentile(cutAge, 50)),
      'heartbeat.stalls': stalls,
    };
  },
};
