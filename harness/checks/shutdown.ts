/**
 * Shutdown: at each target SIGTERM, every open stream should get a `retry:` hint and end within the
 * grace period (so clients come back spread out, to a ready instance); and across any target stop
 * (SIGTERM, SIGKILL, exit) nothing acknowledged may be lost: a publish acknowledged before the stop
 * that a subscriber had not yet received must reach it after the restart, or be declared gone for a
 * reason the target declared (retention, a log that is not durable). A SIGTERM to one instance of
 * several is judged on the streams that instance served.
 */
import { asArray, type Check } from './check.ts';
import { connectionModel } from './connections.ts';
import { analyzeDeliveries } from './deliveries.ts';
import { round3 } from './stats.ts';

export const shutdown: Check = {
  name: 'shutdown',
  description:
    'streams end with a retry hint within the grace period; nothing acknowledged lost across a stop',
  run(history, ctx) {
    const records = asArray(history);
    const sigterms: { t: number; instance: string | undefined }[] = [];
    let stops = 0;
    for (const r of records) {
      if (r.kind !== 'target') continue;
      if (r.action === 'sigterm') sigterms.push({ t: r.t, instance: r.instance });
      if (r.action === 'sigterm' || r.action === 'sigkill' || r.action === 'exit') stops++;
    }
    const lost = analyzeDeliveries(records, ctx).lostAcrossStop;
    if (sigterms.length === 0) {
      return {
        'shutdown.openAtSigterm': null,
        'shutdown.streamsEnded': null,
        'shutdown.streamsWithRetryHint': null,
        'shutdown.withoutHint': null,
        'shutdown.endedWithinGraceRatio': null,
        'shutdown.stops': stops,
        'shutdown.lostAcknowledged': lost,
      };
    }
    const { connections } = connectionModel(records, ctx);
    let open = 0;
    let ended = 0;
    let hinted = 0;
    for (const { t: s, instance } of sigterms) {
      for (const c of connections) {
        if (instance !== undefined && c.instance !== instance) continue;
        if (!c.open || c.responseT === undefined || c.responseT > s) continue;
        if (c.closeT !== undefined && c.closeT < s) continue;
        open++;
        const endedInGrace = c.closeT !== undefined && c.closeT - s <= ctx.graceMs;
        if (!endedInGrace) continue;
        ended++;
        if (c.lastRetryT !== undefined && c.lastRetryT >= s) hinted++;
      }
    }
    return {
      'shutdown.openAtSigterm': open,
      'shutdown.streamsEnded': ended,
      'shutdown.streamsWithRetryHint': hinted,
      'shutdown.withoutHint': open - hinted,
      'shutdown.endedWithinGraceRatio': open > 0 ? round3(ended / open) : null,
      'shutdown.stops': stops,
      'shutdown.lostAcknowledged': lost,
    };
  },
};
