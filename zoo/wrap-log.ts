/**
 * A log that is another log with one step replaced: how the members that change the event store
 * (`openLog`) carry their one defect while every other step stays the reference server's.
 */
import type { EventLog } from '../server/event-log.ts';

/** The steps a member may replace. */
export type LogOverrides = Pick<EventLog, 'append'> & Partial<Pick<EventLog, 'onCommit'>>;

/**
 * `inner` with `over` in place of its steps. `shared: true` also passes on a shared log's
 * `catchUp`/`read` (members built for the Redis log); without it the wrapper is an in-process log,
 * so a member that re-orders commits is never half-wired to a store it does not read.
 */
export function wrapLog(inner: EventLog, over: LogOverrides, options: { shared?: boolean } = {}): EventLog {
  const log: EventLog = {
    get kind() {
      return inner.kind;
    },
    get epoch() {
      return inner.epoch;
    },
    get lastSeq() {
      return inner.lastSeq;
    },
    get firstSeq() {
      return inner.firstSeq;
    },
    get failure() {
      return inner.failure;
    },
    get: (seq) => inner.get(seq),
    positionId: (seq) => inner.positionId(seq),
    append: over.append,
    onCommit: over.onCommit ?? ((listener) => inner.onCommit(listener)),
    close: () => inner.close(),
  };
  if (options.shared && inner.catchUp) log.catchUp = () => inner.catchUp!();
  if (options.shared && inner.read) log.read = (afterSeq, limit) => inner.read!(afterSeq, limit);
  return log;
}
