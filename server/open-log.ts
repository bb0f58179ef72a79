/**
 * The event log the configuration asks for: the crash-safe file journal for `log: 'file'`, a Redis
 * stream shared by every instance for `log: 'redis'`, else the memory ring. createSseServer uses it
 * unless given its own `openLog` (another store).
 */
import type { ServerConfig } from './config.ts';
import type { EventLog } from './event-log.ts';
import { openFileLog } from './file-log.ts';
import type { Logger } from './logger.ts';
import { createMemoryLog } from './memory-log.ts';
import { openRedisLog } from './redis-log.ts';

export async function openConfiguredLog(config: ServerConfig, logger: Logger): Promise<EventLog> {
  if (config.log === 'redis') {
    if (!config.redisUrl) throw new Error('log "redis" needs redisUrl (the Redis server to use)');
    return openRedisLog({
      url: config.redisUrl,
      key: config.redisKey,
      retention: config.logRetention,
      timeoutMs: config.redisTimeoutMs,
      logger,
    });
  }
  if (config.log !== 'file') return createMemoryLog({ retention: config.logRetention });
  if (!config.logPath) throw new Error('log "file" needs logPath (the journal file to use)');
  return openFileLog({
    path: config.logPath,
    retention: config.logRetention,
    fsync: config.fsync,
    fsyncIntervalMs: config.fsyncIntervalMs,
    logger,
  });
}
