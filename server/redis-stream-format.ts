/**
 * How the Redis log lays events out in Redis, in one place: the keys, the two Lua scripts and the
 * entry fields. Shared with nothing else; redis-log.ts is the only user.
 *
 * - `<key>` is a Redis stream. Entry ids are `0-<seq>`: seq is a contiguous counter kept in
 *   `<key>:meta` and incremented by the append script in the same atomic step as the XADD, so every
 *   instance draws from one sequence and ids are unique and ordered across instances and restarts.
 *   Contiguous sequence numbers make a trimmed gap visible by arithmetic (see stream.ts).
 * - `<key>:meta` is a hash: `epoch` (13-digit ms, set once when the log is created) and `seq` (the
 *   last sequence number handed out). Public ids are `<epoch>-<seq>` (ids.ts), as for the other logs.
 * - Each entry carries `epoch` too: if Redis lost the log (a restart without persistence) and a new
 *   one was started, an instance reading from its old position sees the new epoch on the first
 *   entry it gets instead of taking it for part of the old log.
 * - Retention: XADD ... MAXLEN <retention> (exact), so the stream holds the last `retention` events.
 */
import type { StoredEvent } from './event-log.ts';
import { formatId } from './ids.ts';

export function metaKey(streamKey: string): string {
  return `${streamKey}:meta`;
}

/** The stream entry id of sequence number `seq` (seq 0: the position before the first entry). */
export function entryId(seq: number): string {
  return `0-${seq}`;
}

/** The sequence number in an entry id this log wrote; undefined for any other id. */
export function seqOfEntryId(id: string): number | undefined {
  const m = /^0-(\d{1,15})$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

/**
 * Reads the meta hash, creating the log (with epoch ARGV[1]) when it does not exist yet. A stream
 * without its meta hash is not a log of this server (or half of one): refuse rather than guess.
 */
const ENSURE_META = `
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.error_reply('stream ' .. KEYS[1] .. ' exists without its meta hash ' .. KEYS[2] ..
      ': it was not written by this server (use another --redis-key, or delete both keys)')
  end
  epoch = ARGV[1]
  redis.call('HSET', KEYS[2], 'epoch', epoch, 'seq', 0)
end
`;

/**
 * append: KEYS = stream, meta; ARGV = new epoch, maxlen, then the entry's field/value pairs.
 * Returns {epoch, seq}. The counter and the XADD are one atomic step: no other instance can take a
 * sequence number in between, and a failed script stores nothing.
 */
export const APPEND_SCRIPT = `${ENSURE_META}
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '0-' .. seq, 'epoch', epoch, unpack(ARGV, 3))
return {epoch, seq}
`;

/**
 * window: KEYS = stream, meta; ARGV = new epoch. Returns {epoch, last seq, id of the earliest
 * retained entry or false}, one consistent snapshot.
 */
export const WINDOW_SCRIPT = `${ENSURE_META}
local seq = redis.call('HGET', KEYS[2], 'seq')
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local firstId = false
if first[1] then firstId = first[1][1] end
return {epoch, seq, firstId}
`;

/** The field/value pairs of an entry (after `epoch`, which the append script adds). */
export function entryFields(
  ev: { topic: string; event?: string; data: string; publishedAt: number },
  arrivedAtMs: number | undefined,
): string[] {
  const fields = ['topic', ev.topic, 'event', ev.event ?? '', 'data', ev.data, 'at', String(ev.publishedAt)];
  if (arrivedAtMs !== undefined) fields.push('arrived', arrivedAtMs.toFixed(3));
  return fields;
}

/** A raw entry as ioredis returns it from XRANGE / XREAD: [id, [field, value, ...]]. */
export type RawEntry = [id: string, fields: string[]];

/**
 * Decodes an entry. `arrived` (wall-clock ms of the publish request) becomes `receivedAt` on this
 * process's performance.now() timeline, for the publish-to-write histogram. Throws on an entry this
 * log did not write (the key is shared with something else).
 */
export function decodeEntry(
  [id, fields]: RawEntry,
  streamKey: string,
  timeOrigin: number,
): { epoch: string; event: StoredEvent } {
  const seq = seqOfEntryId(id);
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const epoch = f.get('epoch');
  const topic = f.get('topic');
  const data = f.get('data');
  if (seq === undefined || seq < 1 || epoch === undefined || topic === undefined || data === undefined) {
    throw new Error(
      `Redis stream ${streamKey} holds entry ${id} that this server did not write (fields ${[...f.keys()].join(',')})`,
    );
  }
  const event = f.get('event');
  const arrived = f.get('arrived');
  return {
    epoch,
    event: {
      seq,
      id: formatId(epoch, seq),
      topic,
      ...(event !== undefined && event !== '' && { event }),
      data,
      publishedAt: Number(f.get('at') ?? 0),
      ...(arrived !== undefined && { receivedAt: Number(arrived) - timeOrigin }),
    },
  };
}
