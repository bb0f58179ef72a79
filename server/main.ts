/**
 * Command-line entry point: `npx tsx server/main.ts [flags]` (or `npm run server -- [flags]`).
 *
 * Exit codes: 0 after a graceful shutdown, 1 when the server cannot start (port taken, corrupt
 * journal) or the grace period expired, 2 for a bad flag or environment value, 128+n after a
 * second signal.
 */
import { createSseServer } from './app.ts';
import { parseConfig } from './config.ts';
import { createJsonLogger } from './logger.ts';
import { installSignalHandlers } from './shutdown.ts';

async function main(): Promise<void> {
  const outcome = parseConfig(process.argv.slice(2), process.env);
  if (outcome.kind === 'help') {
    process.stdout.write(outcome.text);
    return;
  }
  if (outcome.kind === 'error') {
    process.stderr.write(`sse-server: ${outcome.message}\n`);
    process.exitCode = 2;
    return;
  }
  const { config } = outcome;
  const logger = createJsonLogger();
  const server = createSseServer({ ...config, logger });
  installSignalHandlers(server, { graceMs: config.graceMs, logger });
  let url: string;
  try {
    url = await server.listen();
  } catch (err) {
    logger.error('cannot start', { error: (err as Error).message });
    process.stderr.write(`sse-server: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const log = server.eventLog;
  logger.info('listening', {
    url,
    log: config.log,
    ...(config.logPath !== undefined && { logPath: config.logPath }),
    epoch: log.epoch,
    lastId: log.lastSeq > 0 ? (log.get(log.lastSeq)?.id ?? null) : null,
    heartbeatMs: config.heartbeatMs,
    retryMs: config.retryMs,
    pid: process.pid,
  });
  process.stderr.write(
    `sse-server listening on ${url}\n  stream:  curl -N ${url}/events\n` +
      `  publish: curl -X POST ${url}/publish -d '{"data":"hello"}'\n`,
  );
}

await main();
