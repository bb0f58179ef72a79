/**
 * Server configuration: flags (commander) > environment variables > defaults, validated with zod.
 * `parseConfig` is pure (argv and env are arguments), so every error message is unit-tested; main.ts
 * turns its outcome into --help output, exit code 2 for a bad value, or a running server.
 */
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';

/** A URL ioredis can connect to: redis: or rediss: (TLS), with a host. */
function isRedisUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
  } catch {
    return false;
  }
}

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`));

/** Every option: flag, env var, default (as the string a user would type), help, validation. */
const OPTIONS = {
  host: {
    flag: '--host <host>',
    env: 'SSE_HOST',
    def: '127.0.0.1',
    help: 'interface to bind',
    schema: z.string().regex(/^\S+$/, 'must be a host name or IP address'),
  },
  port: {
    flag: '--port <n>',
    env: 'SSE_PORT',
    def: '8080',
    help: 'TCP port; 0 picks a free one (the bound URL is logged)',
    schema: int(0, 65535),
  },
  heartbeatMs: {
    flag: '--heartbeat-ms <ms>',
    env: 'SSE_HEARTBEAT_MS',
    def: '15000',
    help: 'comment heartbeat interval on every stream (keep <= half the shortest proxy idle timeout)',
    schema: int(10, 3_600_000),
  },
  retryMs: {
    flag: '--retry-ms <ms>',
    env: 'SSE_RETRY_MS',
    def: '3000',
    help: 'base reconnection time sent as retry:',
    schema: int(0, 600_000),
  },
  retryJitterMs: {
    flag: '--retry-jitter-ms <ms>',
    env: 'SSE_RETRY_JITTER_MS',
    def: '1000',
    help: 'each stream gets retry: base + random [0, jitter]',
    schema: int(0, 600_000),
  },
  shutdownJitterMs: {
    flag: '--shutdown-jitter-ms <ms>',
    env: 'SSE_SHUTDOWN_JITTER_MS',
    def: '3000',
    help: 'at shutdown each stream gets retry: base + random [0, this] so clients do not return at once',
    schema: int(0, 600_000),
  },
  log: {
    flag: '--log <kind>',
    env: 'SSE_LOG',
    def: 'memory',
    help: 'event log: memory (bounded ring), file (journal that survives restarts) or redis (a Redis stream shared by every instance)',
    schema: z.enum(['memory', 'file', 'redis'], { error: 'must be "memory", "file" or "redis"' }),
  },
  logPath: {
    flag: '--log-path <path>',
    env: 'SSE_LOG_PATH',
    def: undefined,
    help: 'journal file for --log file (required then)',
    schema: z.string().min(1, 'must not be empty').optional(),
  },
  redisUrl: {
    flag: '--redis-url <url>',
    env: 'SSE_REDIS_URL',
    def: undefined,
    help: 'Redis server for --log redis (required then), e.g. redis://127.0.0.1:6379/0 (user:password@ for AUTH)',
    schema: z
      .string()
      .refine(isRedisUrl, 'must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379')
      .optional(),
  },
  redisKey: {
    flag: '--redis-key <key>',
    env: 'SSE_REDIS_KEY',
    def: 'sse:events',
    help: 'the Redis stream every instance shares (its counter and epoch live in <key>:meta)',
    schema: z.string().regex(/^[^\s]{1,256}$/, 'must be 1-256 characters without spaces'),
  },
  redisTimeoutMs: {
    flag: '--redis-timeout-ms <ms>',
    env: 'SSE_REDIS_TIMEOUT_MS',
    def: '2000',
    help: 'a Redis command (append, replay read) not answered within this fails: the publish gets 503',
    schema: int(10, 600_000),
  },
  logRetention: {
    flag: '--log-retention <n>',
    env: 'SSE_LOG_RETENTION',
    def: '10000',
    help: 'events kept for replay (older ids get a reset); redis: the stream is trimmed to exactly this (XADD MAXLEN)',
    schema: int(1, 10_000_000),
  },
  fsync: {
    flag: '--fsync <policy>',
    env: 'SSE_FSYNC',
    def: 'interval',
    help: 'file log durability: always (ack after fdatasync, group commit), interval (ack after write, sync every --fsync-interval-ms), never',
    schema: z.enum(['always', 'interval', 'never'], { error: 'must be "always", "interval" or "never"' }),
  },
  fsyncIntervalMs: {
    flag: '--fsync-interval-ms <ms>',
    env: 'SSE_FSYNC_INTERVAL_MS',
    def: '1000',
    help: 'fdatasync period for --fsync interval',
    schema: int(1, 3_600_000),
  },
  publishToken: {
    flag: '--publish-token <token>',
    env: 'SSE_PUBLISH_TOKEN',
    def: undefined,
    help: 'require "Authorization: Bearer <token>" on POST /publish',
    schema: z.string().min(1, 'must not be empty').optional(),
  },
  graceMs: {
    flag: '--grace-ms <ms>',
    env: 'SSE_GRACE_MS',
    def: '10000',
    help: 'on SIGTERM/SIGINT, exit within this long (a second signal exits at once)',
    schema: int(100, 600_000),
  },
  maxBodyBytes: {
    flag: '--max-body-bytes <n>',
    env: 'SSE_MAX_BODY_BYTES',
    def: '1048576',
    help: 'largest POST /publish body (413 above)',
    schema: int(64, 64 * 1024 * 1024),
  },
  clientQueueBytes: {
    flag: '--client-queue-bytes <n>',
    env: 'SSE_CLIENT_QUEUE_BYTES',
    def: '4194304',
    help: 'bytes a stream may have waiting before the client is cut as too slow',
    schema: int(1024, 1024 * 1024 * 1024),
  },
  corsOrigin: {
    flag: '--cors-origin <origin>',
    env: 'SSE_CORS_ORIGIN',
    def: undefined,
    help: 'Access-Control-Allow-Origin for GET /events (unset: no CORS header)',
    schema: z.string().min(1, 'must not be empty').optional(),
  },
} as const;

type Options = typeof OPTIONS;
export type OptionKey = keyof Options;

const shape = Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, o.schema])) as {
  [K in keyof Options]: Options[K]['schema'];
};
const ConfigSchema = z.object(shape).superRefine((c, ctx) => {
  if (c.log === 'file' && c.logPath === undefined) {
    ctx.addIssue({ code: 'custom', path: ['logPath'], message: 'is required with --log file' });
  }
  if (c.log === 'redis' && c.redisUrl === undefined) {
    ctx.addIssue({ code: 'custom', path: ['redisUrl'], message: 'is required with --log redis' });
  }
  if (c.clientQueueBytes < c.maxBodyBytes) {
    ctx.addIssue({
      code: 'custom',
      path: ['clientQueueBytes'],
      message: `must be >= --max-body-bytes (${c.maxBodyBytes}), or one large event would cut every busy client`,
    });
  }
});

export type ServerConfig = z.output<typeof ConfigSchema>;

/** The defaults, parsed: what createSseServer uses for anything not given. */
export const DEFAULT_CONFIG: ServerConfig = ConfigSchema.parse(
  Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, o.def])),
);

export type ParseOutcome =
  | { kind: 'config'; config: ServerConfig }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

function buildCommand(out: { text: string }): Command {
  const cmd = new Command('sse-server')
    .description(
      'Reference Server-Sent Events server: GET /events, POST /publish, /healthz, /readyz, /metrics.\n' +
        'Every flag can also be set by the environment variable shown; flags win.',
    )
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out.text += s), writeErr: (s) => (out.text += s) })
    .allowExcessArguments(false);
  for (const o of Object.values(OPTIONS)) {
    const extra = [`env: ${o.env}`, ...(o.def !== undefined ? [`default: ${o.def}`] : [])].join(', ');
    cmd.addOption(new Option(o.flag, `${o.help} (${extra})`));
  }
  return cmd;
}

export function helpText(): string {
  const out = { text: '' };
  return buildCommand(out).helpInformation();
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ParseOutcome {
  const out = { text: '' };
  const cmd = buildCommand(out);
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help')
        return { kind: 'help', text: out.text };
      return { kind: 'error', message: `${err.message.replace(/^error: /, '')} (see --help)` };
    }
    throw err;
  }
  const flags = cmd.opts<Record<string, string | undefined>>();
  const raw: Record<string, string | undefined> = {};
  const source: Record<string, string> = {};
  for (const [key, o] of Object.entries(OPTIONS)) {
    const fromEnv = env[o.env];
    if (flags[key] !== undefined) {
      raw[key] = flags[key];
      source[key] = o.flag.split(' ')[0]!;
    } else if (fromEnv !== undefined && fromEnv !== '') {
      raw[key] = fromEnv;
      source[key] = `${o.env} (environment)`;
    } else {
      raw[key] = o.def;
      source[key] = `${o.flag.split(' ')[0]!} default`;
    }
  }
  const result = ConfigSchema.safeParse(raw);
  if (result.success) return { kind: 'config', config: result.data };
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const o = OPTIONS[key as OptionKey];
    const flag = o ? o.flag.split(' ')[0]! : key;
    const given = raw[key] === undefined ? '' : ` (got ${JSON.stringify(raw[key])} from ${source[key]})`;
    return `${flag} ${issue.message}${given}`;
  });
  return { kind: 'error', message: lines.join('; ') };
}
