/** Readiness checks shared by both runtimes: poll until a component answers, or fail with its log. */
import { request } from 'node:http';
import { request as tlsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfrastructureError } from './errors.ts';

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * One GET without keep-alive (a pooled idle connection would hold nginx's graceful quit open).
 * Rejects on network errors and after `timeoutMs`. An https URL is not authenticated: readiness
 * only asks whether a component answers (a TLS run's own certificate is self-signed).
 */
export function httpGet(url: string, timeoutMs = 1_000): Promise<HttpAnswer> {
  const tls = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const req = (tls ? tlsRequest : request)(
      url,
      {
        agent: false,
        headers: { connection: 'close' },
        timeout: timeoutMs,
        ...(tls ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface WaitOptions {
  /** Component name for the error. */
  component: string;
  /** What we are waiting for, for the error ("GET http://.../readyz answers 200"). */
  what: string;
  /** Resolves true when ready; a throw counts as "not yet". */
  check: () => Promise<boolean>;
  timeoutMs?: number;
  /** When it resolves first, the component died: fail at once instead of waiting for the timeout. */
  exited?: Promise<unknown>;
  /** The component's log, for the error. */
  logTail?: () => string;
  signal?: AbortSignal;
}

/** Polls `check` (every 25 ms, backing off to 200 ms) until it is true; throws InfrastructureError otherwise. */
export async function waitUntil(options: WaitOptions): Promise<void> {
  const { component, what, check, timeoutMs = 15_000, logTail = () => '', signal } = options;
  const deadline = Date.now() + timeoutMs;
  let died = false;
  let exit = '';
  void options.exited?.then((info) => {
    died = true;
    exit = describeExit(info);
  });
  let interval = 25;
  let lastError = '';
  for (;;) {
    if (signal?.aborted)
      throw new InfrastructureError(component, `aborted while waiting until ${what}`, tail(logTail()));
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (died) throw new InfrastructureError(component, `exited${exit} before ${what}`, tail(logTail()));
    if (Date.now() >= deadline) {
      const why = lastError ? ` (last error: ${lastError})` : '';
      throw new InfrastructureError(
        component,
        `not ready after ${timeoutMs} ms: expected ${what}${why}`,
        tail(logTail()),
      );
    }
    await sleep(interval);
    interval = Math.min(interval * 2, 200);
  }
}

/** ` (exit code 1)`, ` (killed by SIGKILL)`, ` (it could not be started)` for a ManagedProcess exit. */
function describeExit(info: unknown): string {
  if (!info || typeof info !== 'object' || !('code' in info)) return '';
  const { code, signal } = info as { code: number | null; signal: string | null };
  if (typeof code === 'number') return ` (exit code ${code})`;
  if (signal) return ` (killed by ${signal})`;
  return ' (it could not be started: see the spawn error below)';
}

/** The last `lines` lines of a log. */
export function tail(log: string, lines = 30): string {
  return log
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

/** `promise`, or `undefined` after `ms` (the timer never outlives the race). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
