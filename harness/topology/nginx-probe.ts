/** "Is the config we just loaded live?": the generation probe every rendered config answers. */
import { httpGet, waitUntil } from './readiness.ts';

export const PROBE_PATH = '/__sse_chaos/nginx';

export interface ProbeWait {
  /** `host:port` nginx listens on (as seen from here). */
  address: string;
  /** nginx listens with TLS: the probe speaks https. */
  tls?: boolean;
  profile: string;
  generation: number;
  exited?: Promise<unknown>;
  logTail?: () => string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Resolves when the probe answers `profile generation`; throws InfrastructureError otherwise. */
export async function waitForGeneration(w: ProbeWait): Promise<void> {
  const expected = `${w.profile} ${w.generation}`;
  const url = `${w.tls ? 'https' : 'http'}://${w.address}${PROBE_PATH}`;
  await waitUntil({
    component: 'nginx',
    what: `GET ${url} answers "${expected}"`,
    check: async () => (await httpGet(url)).body.trim() === expected,
    exited: w.exited,
    logTail: w.logTail,
    timeoutMs: w.timeoutMs ?? 10_000,
    signal: w.signal,
  });
}

/** Worker pids that the error log shows started and not yet exited (needs error_log level notice). */
export function liveWorkers(errorLog: string): Set<string> {
  const live = new Set<string>();
  for (const m of errorLog.matchAll(/start worker process (\d+)|worker process (\d+) exited/g)) {
    if (m[1]) live.add(m[1]);
    else if (m[2]) live.delete(m[2]);
  }
  return live;
}

/** True when every worker in `old` has begun its graceful shutdown (so it accepts nothing new). */
export function workersRetired(errorLog: string, old: Iterable<string>): boolean {
  for (const pid of old) {
    const retired = new RegExp(
      `\\b${pid}#\\d+: (gracefully shutting down|exiting|exit)\\b|worker process ${pid} exited`,
    );
    if (!retired.test(errorLog)) return false;
  }
  return true;
}
