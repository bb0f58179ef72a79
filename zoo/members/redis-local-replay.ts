/** redis-local-replay: appends go to the shared Redis stream, replays come from local memory. */
import { createSseServer } from '../../server/app.ts';
import type { EventLog, StoredEvent } from '../../server/event-log.ts';
import { openConfiguredLog } from '../../server/open-log.ts';
import { StreamSession, type StreamOptions } from '../../server/stream.ts';
import { matchesTopic } from '../../server/topics.ts';
import type { ZooMember } from '../member.ts';
import { wrapLog } from '../wrap-log.ts';

/**
 * The configured log, unchanged, that also keeps (in this process, up to `retention`) the events
 * this instance appended: what a handler has at hand when it publishes.
 */
function rememberingOwnAppends(inner: EventLog, published: StoredEvent[], retention: number): EventLog {
  return wrapLog(
    inner,
    {
      async append(input) {
        const ev = await inner.append(input);
        published.push(ev);
        if (published.length > retention) published.shift();
        return ev;
      },
    },
    { shared: true },
  );
}

/** Replays from this instance's own publishes, then goes live like the reference. */
class LocalReplayStream extends StreamSession {
  constructor(
    o: StreamOptions,
    private readonly published: readonly StoredEvent[],
  ) {
    super(o);
  }

  protected override beginReplay(): void {
    // THE DEFECT: the replay is what this instance published after the cursor, not what the shared
    // stream holds: events other instances appended in between are skipped, with no reset.
    for (const ev of this.published) {
      if (ev.seq <= this.cursor) continue;
      this.cursor = ev.seq;
      if (matchesTopic(this.o.topics, ev.topic)) this.writeReplayed(ev);
    }
    this.cursor = Math.max(this.cursor, this.o.log.lastSeq);
    this.phase = 'live';
  }
}

export const redisLocalReplay: ZooMember = {
  name: 'redis-local-replay',
  summary: 'appends to the shared Redis stream but replays from local memory: failover skips other instances',
  defect:
    'Publishes go to the Redis stream every instance shares (live delivery works everywhere), but a reconnecting ' +
    'client is replayed from what this instance published itself, kept in its memory. A client failing over from ' +
    "another instance silently misses that instance's events published while it was away.",
  realWorld:
    'Multi-instance SSE services that moved live fan-out to Redis (pub/sub or XREAD) but kept the replay buffer ' +
    'a per-process array filled on publish, so Last-Event-ID works in a single-instance test and not behind a ' +
    'load balancer.',
  build: (options) => {
    const published: StoredEvent[] = [];
    return createSseServer({
      ...options,
      openLog: async (config, logger) =>
        rememberingOwnAppends(await openConfiguredLog(config, logger), published, config.logRetention),
      createStream: (o) => new LocalReplayStream(o, published),
    });
  },
};
