/**
 * The Redis log: the event log on a Redis stream that several server instances share, so a publish
 * on one instance reaches streams on every other (a client can fail over to any instance and resume).
 *
 * - append: one Lua script takes the next sequence number and XADDs the event (MAXLEN retention)
 *   atomically; the publish is acknowledged when the script returned. Layout: redis-stream-format.ts.
 * - live: one tail loop per instance, `XREAD BLOCK` from the last sequence number it delivered, calls
 *   the commit listeners for every event in order, whichever instance appended it.
 * - replay: `read` is `XRANGE (0-<after> + COUNT n`, strictly after the resume position.
 * - `catchUp` reads the store's window and waits until the tail has delivered up to its head, so a
 *   Last-Event-ID from any instance is resolved exactly (app.ts).
 *
 * Failure: two connections (commands; the blocking tail), neither queues commands while
 * disconnected, and both detect a silent peer (a partition) by timeouts. While either is down,
 * `failure` is set (readiness 503) and appends reject at once (503, nothing acknowledged); open
 * streams keep their heartbeats, and when Redis is back the tail resumes from its last sequence
 * number, so streams get what was appended meanwhile, in order. If Redis lost the log (a new epoch
 * in the meta hash), this instance adopts the new epoch; its older streams end (stream.ts) and
 * reconnect to an explicit reset.
 *
 * ioredis rather than node-redis: it lets each of those behaviours be set per connection
 * (enableOfflineQueue, autoResendUnfulfilledCommands, maxRetriesPerRequest, commandTimeout,
 * socketTimeout), and defines Lua commands with EVALSHA and a transparent fallback.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import {
  AppendOutcomeUnknownError,
  type EventLog,
  LogClosedError,
  type PublishInput,
  type StoredEvent,
} from './event-log.ts';
import { formatId, formatPosition, newEpoch } from './ids.ts';
import type { Logger } from './logger.ts';
import {
  APPEND_SCRIPT,
  decodeEntry,
  entryFields,
  entryId,
  metaKey,
  type RawEntry,
  seqOfEntryId,
  WINDOW_SCRIPT,
} from './redis-stream-format.ts';

export interface RedisLogOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /** The stream key (its meta hash is `<key>:meta`). */
  key: string;
  /** Events kept (XADD MAXLEN, exact). */
  retention: number;
  /** A command not answered within this fails; also bounds catchUp. */
  timeoutMs: number;
  logger: Logger;
}

/** How long one XREAD blocks; an idle tail checks the epoch this often. */
const TAIL_BLOCK_MS = 1000;
/** Events per XREAD. */
const TAIL_BATCH = 1000;
/** Pause after a failed tail read before the next try (the connection reconnects meanwhile). */
const TAIL_RETRY_MS = 100;
/** Reconnection backoff cap: Redis back means appends work again within about this long. */
const RECONNECT_CAP_MS = 500;

/** The Lua commands defined on the command connection (ioredis defineCommand). */
interface ScriptedRedis extends Redis {
  sseAppend(stream: string, meta: string, ...args: string[]): Promise<[string, number]>;
  sseWindow(stream: string, meta: string, epoch: string): Promise<[string, string, string | null]>;
}

interface Waiter {
  epoch: string;
  seq: number;
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** The URL without its password, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function connectionOptions(timeoutMs: number, name: string): RedisOptions {
  return {
    lazyConnect: true,
    connectionName: name,
    connectTimeout: Math.max(timeoutMs, 1000),
    // Never hold a command for later: an append either reaches Redis now or fails now (503).
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * attempt, RECONNECT_CAP_MS),
  };
}

export async function openRedisLog(options: RedisLogOptions): Promise<EventLog> {
  const where = `${redactRedisUrl(options.url)} (stream ${options.key})`;
  const commands = new Redis(options.url, {
    ...connectionOptions(options.timeoutMs, 'sse-log'),
    commandTimeout: options.timeoutMs,
    // A silent peer (partition): the socket is dropped and reconnected.
    socketTimeout: options.timeoutMs,
    scripts: {
      sseAppend: { lua: APPEND_SCRIPT, numberOfKeys: 2 },
      sseWindow: { lua: WINDOW_SCRIPT, numberOfKeys: 2 },
    },
  }) as ScriptedRedis;
  // The tail blocks TAIL_BLOCK_MS per read; a reply later than that plus the timeout means the peer
  // is gone.
  const tail = new Redis(options.url, {
    ...connectionOptions(options.timeoutMs, 'sse-log-tail'),
    socketTimeout: TAIL_BLOCK_MS + options.timeoutMs,
  });
  let lastError = '';
  const onError = (err: Error) => (lastError = err.message);
  for (const c of [commands, tail]) c.on('error', onError);
  try {
    await Promise.all([commands.connect(), tail.connect()]);
    const [epoch, seq, firstId] = await commands.sseWindow(options.key, metaKey(options.key), newEpoch());
    const lastSeq = Number(seq);
    const firstSeq = firstId === null ? lastSeq + 1 : (seqOfEntryId(firstId) ?? lastSeq + 1);
    for (const c of [commands, tail]) c.off('error', onError);
    const log = new RedisLog(options, where, commands, tail, epoch, lastSeq, firstSeq);
    options.logger.info('redis log opened', {
      redis: where,
      epoch,
      firstId: firstSeq <= lastSeq ? formatId(epoch, firstSeq) : null,
      lastId: lastSeq > 0 ? formatId(epoch, lastSeq) : null,
      retention: options.retention,
    });
    return log;
  } catch (err) {
    commands.disconnect();
    tail.disconnect();
    // ioredis rejects connect() with "Connection is closed."; the 'error' event said why.
    const msg = (err as Error).message;
    const reason = lastError && lastError !== msg ? `${msg} (${lastError})` : msg || 'connection failed';
    throw new Error(`cannot open the Redis log at ${where}: ${reason}`, { cause: err });
  }
}

class RedisLog implements EventLog {
  readonly kind = 'redis' as const;
  private readonly listeners = new Set<(ev: StoredEvent) => void>();
  private readonly waiters = new Set<Waiter>();
  private readonly inflight = new Set<Promise<unknown>>();
  private commandsDown: Error | undefined;
  private tailDown: Error | undefined;
  private closed = false;
  private readonly tailDone: Promise<void>;

  constructor(
    private readonly options: RedisLogOptions,
    private readonly where: string,
    private readonly commands: ScriptedRedis,
    private readonly tail: Redis,
    public epoch: string,
    /** The newest sequence number delivered to the listeners (the tail's position). */
    public lastSeq: number,
    public firstSeq: number,
  ) {
    commands.on('ready', () => this.setCommandsDown(undefined));
    commands.on('close', () => this.setCommandsDown(new Error('connection lost')));
    commands.on('error', (err: Error) => {
      if (this.commandsDown) this.commandsDown = new Error(err.message);
    });
    // The tail's connection errors surface as rejected reads (runTail); this only keeps ioredis
    // from reporting them as unhandled.
    tail.on('error', () => {});
    this.tailDone = this.runTail();
  }

  get failure(): Error | undefined {
    if (this.closed) return undefined;
    const down = this.commandsDown ?? this.tailDown;
    return down && new Error(`Redis log unavailable at ${this.where}: ${down.message}`);
  }

  get(): StoredEvent | undefined {
    return undefined; // nothing is kept in memory: replays read the stream (read()).
  }

  positionId(seq: number): string {
    return formatPosition(this.epoch, seq);
  }

  onCommit(listener: (ev: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(input: PublishInput): Promise<StoredEvent> {
    if (this.closed) return Promise.reject(new LogClosedError());
    const p = this.appendNow(input);
    this.inflight.add(p);
    void p.then(
      () => this.inflight.delete(p),
      () => this.inflight.delete(p),
    );
    return p;
  }

  private async appendNow(input: PublishInput): Promise<StoredEvent> {
    const publishedAt = Date.now();
    const arrivedAt = input.receivedAt === undefined ? undefined : performance.timeOrigin + input.receivedAt;
    let reply: [string, number];
    try {
      reply = await this.commands.sseAppend(
        this.options.key,
        metaKey(this.options.key),
        newEpoch(publishedAt),
        String(this.options.retention),
        ...entryFields({ ...input, publishedAt }, arrivedAt),
      );
    } catch (err) {
      throw this.appendError(err as Error);
    }
    const [epoch, seq] = reply;
    if (epoch !== this.epoch) this.adoptEpoch(epoch, 'append');
    return {
      seq,
      id: formatId(epoch, seq),
      topic: input.topic,
      ...(input.event !== undefined && { event: input.event }),
      data: input.data,
      publishedAt,
      ...(input.receivedAt !== undefined && { receivedAt: input.receivedAt }),
    };
  }

  /**
   * Not sent (the connection is down) or refused by Redis: not stored. Sent but not answered (a
   * timeout, the connection dropped meanwhile): it may be stored.
   */
  private appendError(err: Error): Error {
    const msg = err.message;
    if (/enableOfflineQueue|Connection is closed/i.test(msg)) {
      const reason = this.failure?.message ?? `Redis log unavailable at ${this.where}: ${msg}`;
      return new Error(reason, { cause: err });
    }
    if (err.name === 'ReplyError') {
      return new Error(`Redis refused the append at ${this.where}: ${msg}`, { cause: err });
    }
    return new AppendOutcomeUnknownError(
      `Redis at ${this.where} did not confirm the append (${msg}); it may or may not be stored`,
      { cause: err },
    );
  }

  /** A read that failed: while the connection is down, say so rather than quote ioredis. */
  private readError(err: Error): Error {
    return new Error(this.failure?.message ?? `Redis read failed at ${this.where}: ${err.message}`, {
      cause: err,
    });
  }

  async read(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    let raw: RawEntry[];
    try {
      raw = (await this.commands.xrange(
        this.options.key,
        `(${entryId(afterSeq)}`,
        '+',
        'COUNT',
        limit,
      )) as RawEntry[];
    } catch (err) {
      throw this.readError(err as Error);
    }
    const events: StoredEvent[] = [];
    for (const entry of raw) {
      const { epoch, event } = decodeEntry(entry, this.options.key, performance.timeOrigin);
      if (epoch !== this.epoch) {
        throw new Error(`the Redis log was reset (epoch ${this.epoch} -> ${epoch}); reconnect to resume`);
      }
      events.push(event);
    }
    return events;
  }

  async catchUp(): Promise<void> {
    let window: [string, string, string | null];
    try {
      window = await this.commands.sseWindow(this.options.key, metaKey(this.options.key), newEpoch());
    } catch (err) {
      throw this.readError(err as Error);
    }
    const [epoch, seq, firstId] = window;
    if (epoch !== this.epoch) this.adoptEpoch(epoch, 'window');
    const head = Number(seq);
    this.firstSeq = firstId === null ? head + 1 : (seqOfEntryId(firstId) ?? head + 1);
    if (this.lastSeq >= head) return;
    await new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        epoch,
        seq: head,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(
            new Error(
              `Redis log at ${this.where}: this instance has not read up to ${formatId(epoch, head)} within ` +
                `${this.options.timeoutMs} ms (its tail is at ${this.positionId(this.lastSeq)})`,
            ),
          );
        }, this.options.timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new LogClosedError());
    }
    this.waiters.clear();
    this.tail.disconnect(); // ends the pending XREAD; the loop sees `closed` and stops
    await this.tailDone;
    try {
      await this.commands.quit();
    } catch {
      this.commands.disconnect(); // Redis is down: nothing to say goodbye to
    }
  }

  private setCommandsDown(err: Error | undefined): void {
    if (this.closed) return;
    if (err && !this.commandsDown) {
      this.options.logger.warn('redis log: connection lost; publishes get 503 until it is back', {
        redis: this.where,
        error: err.message,
      });
    } else if (!err && this.commandsDown) {
      this.options.logger.info('redis log: connection back', { redis: this.where });
    }
    this.commandsDown = err;
  }

  /**
   * The tail: XREAD BLOCK from the last delivered sequence number, forever. An idle read (no new
   * entry within TAIL_BLOCK_MS) also checks the epoch, because a new log's first entries can sit
   * below our position, where XREAD would never return them.
   */
  private async runTail(): Promise<void> {
    while (!this.closed) {
      try {
        const epoch = this.epoch;
        const reply = (await this.tail.xread(
          'COUNT',
          TAIL_BATCH,
          'BLOCK',
          TAIL_BLOCK_MS,
          'STREAMS',
          this.options.key,
          entryId(this.lastSeq),
        )) as [string, RawEntry[]][] | null;
        if (this.closed) return;
        if (reply === null) {
          const current = await this.tail.hget(metaKey(this.options.key), 'epoch');
          if (current !== null && current !== this.epoch) this.adoptEpoch(current, 'tail');
        } else if (epoch === this.epoch) {
          this.deliver(reply[0]?.[1] ?? []);
        }
        this.setTailDown(undefined);
      } catch (err) {
        if (this.closed) return;
        this.setTailDown(err as Error);
        await sleep(TAIL_RETRY_MS);
      }
    }
  }

  private deliver(entries: RawEntry[]): void {
    for (const entry of entries) {
      const { epoch, event } = decodeEntry(entry, this.options.key, performance.timeOrigin);
      if (epoch !== this.epoch) {
        this.adoptEpoch(epoch, 'tail');
        return; // the next read starts over at the new log's beginning
      }
      if (event.seq <= this.lastSeq) continue;
      if (event.seq > this.lastSeq + 1) {
        // Trimmed before this instance read them: its live streams end at the gap (stream.ts).
        this.options.logger.warn('redis log: events were trimmed before this instance read them', {
          redis: this.where,
          fromId: this.positionId(this.lastSeq + 1),
          toId: this.positionId(event.seq - 1),
        });
      }
      this.lastSeq = event.seq;
      for (const l of this.listeners) l(event);
    }
    for (const w of this.waiters) {
      if (w.epoch === this.epoch && this.lastSeq >= w.seq) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  /**
   * Redis lost the log and a new one was started: every position this instance knew is void. Take
   * the new epoch and read the new log from its start; streams from before end (stream.ts).
   */
  private adoptEpoch(epoch: string, seenBy: string): void {
    if (epoch === this.epoch) return;
    this.options.logger.error('redis log: the stream was reset (Redis lost it); adopting the new epoch', {
      redis: this.where,
      oldEpoch: this.epoch,
      newEpoch: epoch,
      seenBy,
      lastId: this.lastSeq > 0 ? this.positionId(this.lastSeq) : null,
    });
    this.epoch = epoch;
    this.lastSeq = 0;
    this.firstSeq = 1;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error(`the Redis log was reset (epoch ${w.epoch} -> ${epoch}); retry`));
    }
    this.waiters.clear();
  }

  private setTailDown(err: Error | undefined): void {
    if (err && !this.tailDown) {
      this.options.logger.warn('redis log: cannot read the stream; live events pause until it is back', {
        redis: this.where,
        error: err.message,
      });
    } else if (!err && this.tailDown) {
      this.options.logger.info('redis log: reading the stream again', {
        redis: this.where,
        lastId: this.lastSeq > 0 ? this.positionId(this.lastSeq) : null,
      });
    }
    this.tailDown = err;
  }
}
