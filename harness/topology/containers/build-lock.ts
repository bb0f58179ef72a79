/**
 * One image build at a time per cache dir: two test workers (or a test and a chaos run) that both
 * find an image missing must not build it twice at once. The lock is a file holding the owner's pid;
 * a lock whose owner died is taken over.
 */
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from './process-alive.ts';

/** Runs `fn` holding `<dir>/build.lock`; waits up to `timeoutMs` for another live holder. */
export async function withBuildLock<T>(
  dir: string,
  fn: () => Promise<T>,
  onWait: (holder: number) => void = () => {},
  timeoutMs = 20 * 60_000,
): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'build.lock');
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSafe(path));
      if (!Number.isInteger(holder) || holder <= 0 || !processAlive(holder)) {
        rmSync(path, { force: true }); // Stale: its owner died mid-build.
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`waited ${timeoutMs} ms for the image build of pid ${holder} (${path})`);
      if (!told) onWait(holder);
      told = true;
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
