/** How the Redis log lays events out (pure): entry ids, fields, and entries it did not write. */
import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from '../../server/redis-log.ts';
import {
  decodeEntry,
  entryFields,
  entryId,
  metaKey,
  seqOfEntryId,
} from '../../server/redis-stream-format.ts';

const EPOCH = '1795331412089';

describe('Redis stream layout', () => {
  it('maps sequence numbers to entry ids 0-<seq> and back, and nothing else', () => {
    expect(entryId(0)).toBe('0-0');
    expect(entryId(42)).toBe('0-42');
    expect(seqOfEntryId('0-42')).toBe(42);
    expect(seqOfEntryId('1712345678901-0')).toBeUndefined();
    expect(seqOfEntryId('0-x')).toBeUndefined();
    expect(metaKey('sse:events')).toBe('sse:events:meta');
  });

  it('round-trips an event: topic, event type (none = message), data, times', () => {
    const fields = entryFields(
      { topic: 'a', data: 'x\ny', publishedAt: 1_795_331_412_100 },
      1_795_331_412_099.5,
    );
    const { epoch, event } = decodeEntry(['0-7', ['epoch', EPOCH, ...fields]], 'k', 1_795_331_400_000);
    expect(epoch).toBe(EPOCH);
    expect(event).toEqual({
      seq: 7,
      id: `${EPOCH}-000000000007`,
      topic: 'a',
      data: 'x\ny',
      publishedAt: 1_795_331_412_100,
      receivedAt: 12_099.5, // on the reader's performance.now() timeline
    });
    const typed = entryFields({ topic: 'b', event: 'update', data: '', publishedAt: 1 }, undefined);
    expect(decodeEntry(['0-8', ['epoch', EPOCH, ...typed]], 'k', 0).event).toEqual({
      seq: 8,
      id: `${EPOCH}-000000000008`,
      topic: 'b',
      event: 'update',
      data: '',
      publishedAt: 1,
    });
  });

  it('refuses an entry this server did not write, naming the key and the entry', () => {
    expect(() => decodeEntry(['1712345678901-0', ['data', 'x']], 'app:events', 0)).toThrow(
      'Redis stream app:events holds entry 1712345678901-0 that this server did not write (fields data)',
    );
    expect(() => decodeEntry(['0-3', ['epoch', EPOCH, 'data', 'x']], 'k', 0)).toThrow(/entry 0-3/);
  });

  it('keeps passwords out of logged URLs', () => {
    expect(redactRedisUrl('redis://app:s3cret@10.0.0.1:6379/2')).toBe('redis://app:***@10.0.0.1:6379/2');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
