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
 *
 * An age cut is the other way an intermediary ends streams: a deadline on the whole response
 * (Envoy's route timeout, a server write timeout), so streams die at one age however busy they were.
 * The two are told apart by what clusters among the unexplained cuts: an idle timer cuts after the
 * same *silence* at any age; a deadline cuts at the same *age* after any silence (see ageCutPattern).
 * Age cuts are not counted as idle cuts.
 */
import { asArray, type Check } from './check.ts';
import { connectionModel } from './connections.ts';
import { disruptions } from './disruptions.ts';
import { runBounds } from './bounds.ts';
import { percentile, round3 } from './stats.ts';

interface Cut {
  silenceMs: number;
  ageMs: number;
  /** When it was cut (run time). */
  closeT: number;
}

/**
 * The cuts a deadline explains. A deadline on the whole response cuts every stream at (the first
 * write after) one age: the ages stay within a write interval (at most a heartbeat) above the
 * deadline, the cuts happen at many different moments of the run (each stream's own age, not one
 * event), and each stream had delivered bytes well into its life (its last byte came at least half
 * its final silence after it opened). An idle timer fails the last test on quiet streams (cut in their
 * first silence) and the first on busy ones (their ages follow the traffic). Go servers (Caddy) close
 * ~500 ms after the failed write, so the final silence alone says nothing. Needs at least three cuts;
 * returns those within the age window.
 */
export function ageCutPattern(cuts: readonly Cut[], heartbeatMs: number): Cut[] {
  if (cuts.length < 3) return [];
  const p = (xs: number[], q: number): number => percentile(xs, q) ?? 0;
  const ages = cuts.map((c) => c.ageMs);
  const floor = p(ages, 10);
  const tolerance = Math.max(100, floor * 0.1);
  const ageSpread = p(ages, 90) - floor;
  if (ageSpread > heartbeatMs + tolerance) return [];
  const times = cuts.map((c) => c.closeT);
  if (p(times, 90) - p(times, 10) < 2 * Math.max(ageSpread, heartbeatMs)) return [];
  const lastByte = p(
    cuts.map((c) => c.ageMs - c.silenceMs),
    50,
  );
  if (
    lastByte <
    0.5 *
      p(
        cuts.map((c) => c.silenceMs),
        50,
      )
  )
    return [];
  // The deadline sits at most half a heartbeat below the 10th percentile of the ages.
  const low = floor - Math.max(tolerance, heartbeatMs / 2);
  return cuts.filter((c) => c.ageMs >= low && c.ageMs <= floor + heartbeatMs + tolerance);
}

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
    const cuts: Cut[] = [];
    for (const c of connections) {
      if (!c.open) continue;
      openConnections++;
      maxSilence = Math.max(maxSilence ?? 0, c.maxSilenceMs);
      maxOutside = Math.max(maxOutside ?? 0, c.maxSilenceOutsideMs);
      const t = c.closeT;
      if (t === undefined || t >= teardownT || dis.forSub(c.sub).contains(t)) continue;
      if (c.closeReason === 'stalled') stalls++;
      if (c.closeReason !== 'eof' && c.closeReason !== 'error') continue;
      cuts.push({
        silenceMs: c.silenceAtCloseMs ?? 0,
        ageMs: t - (c.responseT ?? c.connectT),
        closeT: t,
      });
    }
    const byAge = new Set(ageCutPattern(cuts, ctx.heartbeatMs));
    const idle = cuts.filter((c) => !byAge.has(c) && c.silenceMs >= ctx.idleMinSilenceMs);
    const cutSilence = idle.map((c) => c.silenceMs);
    const cutAge = idle.map((c) => c.ageMs);
    return {
      'heartbeat.count': heartbeats,
      'heartbeat.openConnections': openConnections,
      'heartbeat.maxSilenceMs': round3(maxSilence),
      'heartbeat.maxSilenceOutsideFaultMs': round3(maxOutside),
      'heartbeat.idleCuts': cutSilence.length,
      'heartbeat.idleCutSilenceP50Ms': round3(percentile(cutSilence, 50)),
      'heartbeat.idleCutAgeP50Ms': round3(percentile(cutAge, 50)),
      'heartbeat.stalls': stalls,
      'heartbeat.ageCuts': byAge.size,
      'heartbeat.ageCutAgeP50Ms': round3(
        percentile(
          [...byAge].map((c) => c.ageMs),
          50,
        ),
      ),
    };
  },
};
