/**
 * Signal handling for the process: the first SIGTERM/SIGINT starts a graceful close that must finish
 * within graceMs (exit 0), a hard timer exits 1 if it does not, and a second signal exits at once
 * (128 + signal number, the shell convention) for an operator who will not wait.
 */
import type { Logger } from './logger.ts';

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type HandledSignal = keyof typeof SIGNAL_NUMBERS;

export function installSignalHandlers(
  target: { close(): Promise<void> },
  options: { graceMs: number; logger: Logger; exit?: (code: number) => void },
): () => void {
  const { graceMs, logger, exit = (code: number) => process.exit(code) } = options;
  let stopping = false;

  const onSignal = (signal: HandledSignal) => {
    if (stopping) {
      logger.warn('second signal: exiting now without finishing the shutdown', { signal });
      exit(128 + SIGNAL_NUMBERS[signal]);
      return;
    }
    stopping = true;
    logger.info('signal received: draining', { signal, graceMs });
    const hard = setTimeout(() => {
      logger.error('grace period expired before shutdown finished: forcing exit', { graceMs });
      exit(1);
    }, graceMs);
    hard.unref();
    target.close().then(
      () => {
        clearTimeout(hard);
        exit(0);
      },
      (err: Error) => {
        clearTimeout(hard);
        logger.error('shutdown failed', { error: err.message });
        exit(1);
      },
    );
  };

  const handlers = (Object.keys(SIGNAL_NUMBERS) as HandledSignal[]).map((signal) => {
    const handler = () => onSignal(signal);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}
