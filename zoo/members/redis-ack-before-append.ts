/** redis-ack-before-append: the publish is acknowledged before the append to Redis succeeded. */
import { createSseServer } from '../../server/app.ts';
import type { EventLog, StoredEvent } from '../../server/event-log.ts';
import type { Logger } from '../../server/logger.ts';
import { openConfiguredLog } from '../../server/open-log.ts';
import type { ZooMember } from '../member.ts';
import { wrapLog } from '../wrap-log.ts';

/**
 * The configured log, except that `append` sends the append and answers at once with the id the
 * event is expected to get (the next sequence number this instance knows of). While Redis answers,
 * a single instance gets exactly the ids the reference would give.
 */
function fireAndForgetAppends(inner: EventLog, logger: Logger): EventLog {
  let expected = inner.lastSeq;
  return wrapLog(
    inner,
    {
      append(input) {
        expected = Math.max(expected, inner.lastSeq) + 1;
        const ev: StoredEvent = {
          seq: expected,
          id: inner.positionId(expected),
          topic: input.topic,
          ...(input.event !== undefined && { event: input.event }),
          data: input.data,
          publishedAt: Date.now(),
          ...(input.receivedAt !== undefined && { receivedAt: input.receivedAt }),
        };
        // THE DEFECT: the append is not awaited; its failure is only logged, after the 200 went out.
        void inner.append(input).then(
          (stored) => (expected = Math.max(expected, stored.seq)),
          (err: Error) =>
            logger.warn('append failed after the publish was acknowledged', {
              id: ev.id,
              error: err.message,
            }),
        );
        return Promise.resolve(ev);
      },
    },
    { shared: true },
  );
}

export const redisAckBeforeAppend: ZooMember = {
  name: 'redis-ack-before-append',
  summary:
    'acknowledges a publish before the Redis append succeeded: while Redis is down, acked events are lost',
  defect:
    'A publish is answered 200 with the id the event is expected to get as soon as the append is sent, without ' +
    'waiting for Redis to confirm it. While Redis is down or partitioned the append fails after the ' +
    'acknowledgement, so acknowledged events are lost (and later acknowledgements can name ids never stored).',
  realWorld:
    'Handlers that call `redis.xadd(...)` (or `publish`) without awaiting it, or `.catch(console.error)` it, and ' +
    'answer at once; also "write-behind" queues that acknowledge on enqueue and append later.',
  build: (options) =>
    createSseServer({
      ...options,
      openLog: async (config, logger) =>
        fireAndForgetAppends(await openConfiguredLog(config, logger), logger),
    }),
};
