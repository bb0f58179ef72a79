/**
 * The command line around a server: flags and environment -> config (--help, exit 2 on a bad value),
 * the JSON `listening` line, signal handling and the exit codes. main.ts runs it for the reference
 * server; a program that composes its own server (another log, a stream subclass) passes `create`
 * and keeps the same command-line contract, so whatever starts one can start the other.
 *
 * Exit codes: 0 after a graceful shutdown, 1 when the server cannot start (port taken, corrupt
 * journal) or the grace period expired, 2 for a bad flag or environment value, 128+n after a
 * second signal.
 */
import { createSseServer, type SseServer, type SseServerOptions } from './app.ts';
import { parseConfig } from './config.ts';
import { createJsonLogger } from './logger.ts';
import { installSignalHandlers } from './shutdown.ts';

export interface CliOptions {
  /** Prefix of the messages on stderr. Default `sse-server`. */
  name?: string;
  /** Builds the server from the parsed flags. Default createSseServer. */
  create?: (options: SseServerOptions) => SseServer;
}

export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  options: CliOptions = {},
): Promise<void> {
  const { name = 'sse-server', create = createSseServer } = options;
  const outcome = parseConfig(argv, env);
  if (outcome.kind === 'help') {
    process.stdout.write(outcome.text);
    return;
  }
  if (outcome.kind === 'error') {
    process.stderr.write(`${name}: ${outcome.message}\n`);
    process.exitCode = 2;
    return;
  }
  const { config } = outcome;
  const logger = createJsonLogger();
  const server = create({ ...config, logger });
  installSignalHandlers(server, { graceMs: config.graceMs, logger });
  let url: string;
  try {
    url = await server.listen();
  } catch (err) {
    logger.error('cannot start', { error: (err as Error).message });
    process.stderr.write(`${name}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const log = server.eventLog;
  logger.info('listening', {
    url,
    log: config.log,
    ...(config.logPath !== undefined && { logPath: config.logPath }),
    ...(config.log === 'redis' && { redisKey: config.redisKey }),
    epoch: log.epoch,
    lastId: log.lastSeq > 0 ? log.positionId(log.lastSeq) : null,
    heartbeatMs: config.heartbeatMs,
    retryMs: config.retryMs,
    pid: process.pid,
  });
  process.stderr.write(
    `${name} listening on ${url}\n  stream:  curl -N ${url}/events\n` +
      `  publish: curl -X POST ${url}/publish -d '{"data":"hello"}'\n`,
  );
}
