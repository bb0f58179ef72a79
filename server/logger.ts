/**
 * Structured logs: one JSON object per line, `time`, `level`, `msg` first, then fields.
 *
 *   {"time":"2026-11-22T07:00:00.000Z","level":"info","msg":"listening","url":"http://127.0.0.1:8080"}
 *
 * Deliberately tiny (no logging library): the server logs a handful of lines per stream and
 * operators parse them with jq. The sink is injectable so in-process tests can read the lines.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function formatLogLine(
  level: LogLevel,
  msg: string,
  fields: LogFields = {},
  now = new Date(),
): string {
  return `${JSON.stringify({ time: now.toISOString(), level, msg, ...fields })}\n`;
}

export function createJsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) =>
    write(formatLogLine(level, msg, fields));
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that keeps parsed records in memory (tests, embedding). */
export function createMemoryLogger(): Logger & {
  readonly records: ({ level: LogLevel; msg: string } & LogFields)[];
} {
  const records: ({ level: LogLevel; msg: string } & LogFields)[] = [];
  const logger = createJsonLogger((line) =>
    records.push(JSON.parse(line) as { level: LogLevel; msg: string }),
  );
  return Object.assign(logger, { records });
}
