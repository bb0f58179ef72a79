/**
 * A real Chromium with one owner. We start the binary ourselves (not Playwright's launcher) so the
 * browser's whole process tree is one process group registered with the topology's guardian, and its
 * fresh profile directory is a guarded temp dir: both are gone after stop(), on error, on Ctrl-C and
 * when our process is SIGKILLed. Playwright then attaches over the DevTools protocol.
 */
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { guardDir, releaseDir } from '../../topology/guardian.ts';
import { spawnManaged, type ExitInfo, type ManagedProcess } from '../../topology/managed-process.ts';
import { CHROMIUM_FLAGS, defaultChromiumPath, DEVTOOLS_LINE } from './flags.ts';
import { importPlaywright } from './playwright-module.ts';
import { processGroupUsage, type ProcessGroupUsage } from './process-usage.ts';

export interface LaunchOptions {
  /** Default $SSE_CHAOS_CHROMIUM or /usr/bin/chromium. */
  executablePath?: string;
  /** Appended after the standard flags (e.g. `--ignore-certificate-errors`). */
  extraArgs?: readonly string[];
  /** How long the browser may take to open its DevTools endpoint (default 30 s: 2 shared cores). */
  startTimeoutMs?: number;
  /** Where the fresh profile directory is made (default the OS temp dir). */
  tempDir?: string;
}

export interface ChromiumBrowser {
  /** The browser process; also its process group id (every Chromium process is in it). */
  readonly pid: number;
  /** e.g. `156.0.8078.114`. */
  readonly version: string;
  /** The fresh profile directory (removed by stop()). */
  readonly userDataDir: string;
  /** The Playwright handle (connected over CDP). */
  readonly playwright: Browser;
  /** Resolves when the browser process exits, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  /** Memory and CPU of the whole browser process tree, now. */
  usage(): ProcessGroupUsage;
  /** Combined stdout+stderr of the browser (for diagnosing a failed start or a crash). */
  output(): string;
  /** Disconnects, ends the process group (SIGTERM, SIGKILL after a grace), removes the profile. Idempotent. */
  stop(): Promise<void>;
}

/** Chromium did not start or its DevTools endpoint did not answer. */
export class ChromiumLaunchError extends Error {
  override readonly name = 'ChromiumLaunchError';
}

async function ensureExecutable(path: string): Promise<void> {
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new ChromiumLaunchError(
      `no Chromium at ${path}: run \`node scripts/setup.mjs\` (installs Debian's chromium) or set ` +
        'SSE_CHAOS_CHROMIUM to a Chromium/Chrome binary',
    );
  }
}

/** The `ws://` endpoint Chromium prints once it listens, or a clear error when it exits or hangs first. */
function devtoolsEndpoint(proc: ManagedProcess, timeoutMs: number, path: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const tail = () => proc.output().trim().split('\n').slice(-15).join('\n');
    const timer = setTimeout(() => {
      reject(
        new ChromiumLaunchError(
          `${path} printed no DevTools endpoint within ${timeoutMs} ms; its output:\n${tail()}`,
        ),
      );
    }, timeoutMs);
    const found = DEVTOOLS_LINE.exec(proc.output());
    if (found) {
      clearTimeout(timer);
      resolve(found[1]!);
      return;
    }
    proc.onLine((line) => {
      const m = DEVTOOLS_LINE.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve(m[1]!);
    });
    void proc.exited.then((info) => {
      clearTimeout(timer);
      reject(
        new ChromiumLaunchError(
          `${path} exited (code ${info.code}, signal ${info.signal}) before opening DevTools; its output:\n${tail()}`,
        ),
      );
    });
  });
}

export async function launchChromium(options: LaunchOptions = {}): Promise<ChromiumBrowser> {
  const path = options.executablePath ?? defaultChromiumPath();
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  if (!(startTimeoutMs > 0))
    throw new RangeError(`launchChromium: startTimeoutMs must be > 0, got ${startTimeoutMs}`);
  await ensureExecutable(path);
  const { chromium } = await importPlaywright();

  const userDataDir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'sse-chaos-chromium-'));
  guardDir(userDataDir);
  let proc: ManagedProcess | undefined;
  let playwright: Browser | undefined;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // Disconnecting first lets Playwright settle its own state; the browser may already be gone.
      await playwright?.close().catch(() => undefined);
      await proc?.stop(2_000);
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      releaseDir(userDataDir);
    })());

  try {
    proc = spawnManaged('chromium', path, [
      ...CHROMIUM_FLAGS,
      ...(options.extraArgs ?? []),
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      'about:blank',
    ]);
    const endpoint = await devtoolsEndpoint(proc, startTimeoutMs, path);
    playwright = await chromium.connectOverCDP(endpoint, { timeout: startTimeoutMs });
  } catch (err) {
    await stop();
    if (err instanceof ChromiumLaunchError) throw err;
    throw new ChromiumLaunchError(`could not attach to ${path} over CDP: ${(err as Error).message}`, {
      cause: err,
    });
  }

  const managed = proc;
  const connected = playwright;
  return {
    pid: managed.pid,
    version: connected.version(),
    userDataDir,
    playwright: connected,
    exited: managed.exited,
    usage: () => processGroupUsage(managed.pid),
    output: () => managed.output(),
    stop,
  };
}
