/** Delivery: every acknowledged publish arrives exactly once and in order, across reconnects. */
import { asArray, type Check } from './check.ts';
import { analyzeDeliveries } from './deliveries.ts';

export const delivery: Check = {
  name: 'delivery',
  description: 'acknowledged publishes reach each subscriber exactly once, in order; gaps only if declared',
  run(history, ctx) {
    const a = analyzeDeliveries(asArray(history), ctx);
    return {
      'delivery.expected': a.expected,
      'delivery.delivered': a.delivered,
      'delivery.silentGaps': a.silentGaps,
      'delivery.declaredGaps': a.declaredGaps,
      'delivery.duplicates': a.duplicates,
      'delivery.reorders': a.reorders,
      'delivery.subscribersWithLoss': a.subscribersWithLoss,
      'delivery.silentGapsNoLastEventId': a.silentGapsNoLastEventId,
      'delivery.subscribersNeverOpened': a.subscribersNeverOpened,
      'delivery.unacknowledgedDelivered': a.unacknowledgedDelivered,
      'delivery.events': a.events,
    };
  },
};
