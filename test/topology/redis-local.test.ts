import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  locateRedisServer,
  redisArgs,
  redisMissing,
  startLocalRedis,
} from '../../harness/topology/redis-local.ts';
import { groupAlive } from './helpers/stream-probe.ts';

describe('the stack Redis', () => {
  it('runs with no persistence by default, and with an AOF synced on every write when asked', () => {
    expect(redisArgs(7000, '/d', 'none')).toEqual(
      expect.arrayContaining([
        '--port',
        '7000',
        '--bind',
        '127.0.0.1',
        '--dir',
        '/d',
        '--save',
        '',
        '--appendonly',
        'no',
      ]),
    );
    const persisted = redisArgs(7000, '/d', 'aof-always').join(' ');
    expect(persisted).toContain('--appendonly yes --appendfsync always');
  });

  it('is found where SSE_CHAOS_REDIS or PATH say, and names the install command when it is nowhere', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sse-chaos-no-redis-'));
    try {
      const nowhere = { PATH: empty, SSE_CHAOS_REDIS: join(empty, 'redis-server') };
      expect(locateRedisServer(nowhere, join(empty, 'debian'))).toBeUndefined();
      expect(redisMissing(nowhere, join(empty, 'debian'))).toMatch(/apt-get install -y redis-server/);
      const found = locateRedisServer();
      expect(found).toBeDefined();
      expect(locateRedisServer({ PATH: empty, SSE_CHAOS_REDIS: found! }, join(empty, 'debian'))).toBe(found);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('keeps what it confirmed across a restart with persistence, loses it without, and leaves nothing behind', async () => {
    for (const persistence of ['aof-always', 'none'] as const) {
      const r = await startLocalRedis({ persistence });
      const client = new Redis(`redis://${r.control.address}`, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
      });
      try {
        await client.connect();
        await client.set('k', 'v');
        const pid = r.pid()!;
        expect(await r.control.stop('SIGTERM')).toMatchObject({ code: 0 });
        expect(groupAlive(pid)).toBe(false);
        expect(r.control.running).toBe(false);
        await r.control.start();
        const again = new Redis(`redis://${r.control.address}`, { maxRetriesPerRequest: 0 });
        expect(await again.get('k')).toBe(persistence === 'aof-always' ? 'v' : null);
        again.disconnect();
      } finally {
        client.disconnect();
        const pid = r.pid();
        await r.stop();
        if (pid !== undefined) expect(groupAlive(pid)).toBe(false);
      }
    }
  });
});
