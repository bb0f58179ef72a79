/**
 * The Topology contract: `client -> [toxiproxy edge | edge-b] -> nginx -> [toxiproxy origin] -> target`.
 *
 * Two runtimes implement it (local processes, testcontainers); they differ only in how a component
 * starts. Everything above this layer (faults, workload, fleet, runner) talks to this interface.
 */
import type { ProfileParams } from './nginx-profiles.ts';

export type RuntimeName = 'local' | 'containers';

export interface StackUrls {
  /** Stream URL through the main client lane: edge -> nginx -> origin -> target. */
  stream: string;
  /** Stream URL through the second client lane (edge-b), for faults on a fraction of the fleet. */
  streamB: string;
  /** Publish URL (direct to the target: publishes must not be disturbed by stream faults). */
  publish: string;
  /** The target's Prometheus metrics URL (direct). */
  metrics: string;
  /** The target's base URL, direct (no proxies). */
  targetDirect: string;
  /** nginx's listen address, bypassing the edge proxies. */
  nginxDirect: string;
  /** toxiproxy's HTTP API; each leg is the proxy of the same name (`edge`, `edge-b`, `origin`). */
  toxiproxyApi: string;
}

export interface ComponentVersions {
  nginx: string;
  toxiproxy: string;
  node: string;
  runtime: RuntimeName;
}

export interface NginxControl {
  /** The profile currently loaded. */
  readonly profile: string;
  /** The rendered nginx.conf currently loaded (for the report). */
  readonly config: string;
  /**
   * Re-render with another profile and `nginx -s reload`; resolves once the new config answers and
   * the old workers stopped accepting (every new stream gets the new config; open ones keep the old).
   * `params` replaces the profile parameters (omitted: keep the current ones).
   */
  reload(profile: string, params?: ProfileParams): Promise<void>;
  /** Graceful quit (`nginx -s quit`): refuses new connections, waits for open streams. */
  quit(): Promise<void>;
  /** The error log so far. */
  errorLog(): Promise<string>;
  /** Resolves when the nginx master exits (e.g. after quit), or after timeoutMs with `undefined`. */
  waitExit(timeoutMs: number): Promise<{ code: number | null; signal: string | null } | undefined>;
}

export interface TargetControl {
  /** Send a signal to the target process (no-op for URL-only targets, which throw). */
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
  /** Resolves when the target process exits (or after timeoutMs with `undefined`). */
  waitExit(timeoutMs: number): Promise<{ code: number | null; signal: string | null } | undefined>;
  /** Start it again on the same port with the same event log; resolves when ready. */
  restart(): Promise<void>;
  /** True while the process runs. */
  readonly running: boolean;
  /** Captured stdout+stderr so far. */
  logs(): string;
}

/**
 * What callers use of a running stack: where to connect, how to disturb nginx and the target, the
 * logs, and one way to stop it all. Faults reach toxiproxy through `urls.toxiproxyApi` and the leg's
 * name (harness/faults/toxiproxy-api.ts); nothing of a client library leaks through this contract.
 */
export interface Topology {
  readonly runtime: RuntimeName;
  readonly urls: StackUrls;
  readonly versions: ComponentVersions;
  readonly nginx: NginxControl;
  readonly target: TargetControl;
  /** Captured logs of every component, for the report. */
  logs(): Promise<{ nginxError: string; toxiproxy: string; target: string }>;
  /** Host processes this topology started (pid = process-group id): for diagnostics and leak checks. */
  processes(): Array<{ component: string; pid: number }>;
  /** Stops everything this topology started; idempotent; never throws. */
  stop(): Promise<void>;
}
