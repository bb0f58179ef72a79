/** Delivery: every acknowledged publish arrives exactly once and in order, across reconnects; gaps are declared and owed. */
import { asArray, type Check } from './check.ts';
import { analyzeDeliveries } from './deliveries.ts';

export const delivery: Check = {
  name: 'delivery',
  description:
    'acknowledged publishes reach each subscriber exactly once, in order; gaps only if declared and owed',
  run(history, ctx) {
    const a = analyzeDeliveries(asArray(history), ctx);
    return {
      'delivery.expected': a.expected,
      'delivery.delivered': a.delivered,
      'delivery.silentGaps': a.silentGaps,
      'delivery.silentGaps.live': a.silent.live,
      'delivery.silentGaps.heldBack': a.silent.heldBack,
      'delivery.silentGaps.atSetup': a.silent.atSetup,
      'delivery.silentGaps.noLastEventId': a.silent.noLastEventId,
      'delivery.silentGaps.notReplayed': a.silent.notReplayed,
      'delivery.silentGaps.afterRestart': a.silent.afterRestart,
      'delivery.silentGaps.otherInstance': a.silent.otherInstance,
      'delivery.silentGaps.inLogFault': a.silent.inLogFault,
      'delivery.declaredGaps': a.declaredGaps,
      'delivery.justifiedGaps': a.justifiedGaps,
      'delivery.needlessGaps': a.needlessGaps,
      'delivery.needlessResets': a.needlessResets,
      'delivery.resets': a.resets,
      'delivery.duplicates': a.duplicates,
      'delivery.duplicates.lastEventId': a.duplicatesOfLastEventId,
      'delivery.replaysBeforeResumePoint': a.replaysBeforeResumePoint,
      'delivery.reorders': a.reorders,
      'delivery.reorders.realTime': a.reordersRealTime,
      'delivery.reorders.inconsistent': a.reordersInconsistent,
      'delivery.subscribersWithLoss': a.subscribersWithLoss,
      'delivery.subscribersNeverOpened': a.subscribersNeverOpened,
      'delivery.unacknowledgedDelivered': a.unacknowledgedDelivered,
      'delivery.events': a.events,
      'delivery.foreign': a.foreign,
      'delivery.undecodable': a.undecodable,
    };
  },
};
