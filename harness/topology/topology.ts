/**
 * The Topology contract: `client -> [toxiproxy edge | edge-b] -> proxy -> [toxiproxy origin] -> target`,
 * where the proxy is nginx, HAProxy or Caddy (proxy-kind.ts).
 *
 * Two runtimes implement it (local processes, testcontainers); they differ only in how a component
 * starts. Everything above this layer (faults, workload, fleet, runner) talks to this interface.
 */
import type { NetnsControl } from './netns.ts';
import type { ProfileParams } from './nginx-profiles.ts';
import type { ProxyKind } from './proxy-kind.ts';
import type { RedisControl } from './redis-local.ts';

export type RuntimeName = 'local' | 'containers';

export interface StackUrls {
  /** Stream URL through the main client lane: edge -> nginx -> origin -> target. */
  stream: string;
  /** Stream URL through the second client lane (edge-b), for faults on a fraction of the fleet. */
  streamB: string;
  /** Publish URL (direct to the target: publishes must not be disturbed by stream faults). */
  publish: string;
  /** With several instances: each one's publish URL, in instance order (`publish` is the first). */
  publishAll?: string[];
  /** The target's Prometheus metrics URL (direct). */
  metrics: string;
  /** The target's base URL, direct (no proxies). */
  targetDirect: string;
  /** The proxy's listen address, bypassing the edge legs (named for nginx, the first proxy kind). */
  nginxDirect: string;
  /** toxiproxy's HTTP API; each leg is the proxy of the same name (`edge`, `edge-b`, `origin`). */
  toxiproxyApi: string;
  /**
   * Set when the stack runs several toxiproxy-server processes (the open-file limit binds per
   * process): every one's API, each holding every leg for its share of the fleet (the first is
   * `toxiproxyApi`). A fault on a leg acts on all of them.
   */
  toxiproxyApis?: string[];
  /** With several toxiproxy processes: the stream URL through each one's `edge` (the first is `stream`). */
  streams?: string[];
  /** With several toxiproxy processes: the stream URL through each one's `edge-b` (the first is `streamB`). */
  streamsB?: string[];
}

export interface ComponentVersions {
  nginx: string;
  /** The proxy that ran and its version (`haproxy 2.6.12`), when it is not nginx. */
  proxy?: string;
  toxiproxy: string;
  node: string;
  runtime: RuntimeName;
  /** The stack's redis-server (`redis-server 7.0.15`), when the target's log is Redis. */
  redis?: string;
}

/**
 * The proxy's control, one protocol per proxy kind shared by both runtimes (nginx-control.ts,
 * haproxy-local.ts, caddy-local.ts).
 */
export interface ProxyControl {
  readonly kind: ProxyKind;
  /** The profile currently loaded (`user` for the user's own config). */
  readonly profile: string;
  /** The rendered config currently loaded (for the report). */
  readonly config: string;
  /**
   * Re-render with another profile and reload gracefully (nginx `-s reload`, HAProxy's master-worker
   * reload, Caddy's admin /load); resolves once the new config answers and the old one stopped
   * accepting (every new stream gets the new config; open ones keep the old, where the proxy allows).
   * A config that fails the proxy's syntax check is refused and the old one kept.
   * `params` replaces the profile parameters (omitted: keep the current ones).
   */
  reload(profile: string, params?: ProfileParams): Promise<void>;
  /** Graceful quit: refuses new connections, waits for open streams. */
  quit(): Promise<void>;
  /** The error log (or the proxy's own log output) so far. */
  errorLog(): Promise<string>;
  /** Resolves when the proxy exits (e.g. after quit), or after timeoutMs with `undefined`. */
  waitExit(timeoutMs: number): Promise<{ code: number | null; signal: string | null } | undefined>;
}

/** nginx's control is the proxy control (kept as a name for callers that only run nginx). */
export type NginxControl = ProxyControl;

/** One instance of a multi-instance target: its own process, origin leg and upstream address. */
export interface InstanceControl {
  /** `instance-1`, ... */
  readonly name: string;
  /** Its origin leg (a toxiproxy proxy of that name). */
  readonly leg: string;
  /** What the proxy proxies to for it (the origin leg's address): the upstream header's value. */
  readonly upstream: string;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
  waitExit(timeoutMs: number): Promise<{ code: number | null; signal: string | null } | undefined>;
  /** Start it again on the same port; resolves when ready. */
  restart(): Promise<void>;
  readonly running: boolean;
  pid(): number | undefined;
}

export interface TargetControl {
  /**
   * Several instances behind the proxy (absent for a single target): each can be stopped, crashed
   * and started on its own; `kill`, `waitExit` and `restart` above act on all of them.
   */
  readonly instances?: readonly InstanceControl[];
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
 * What callers use of a running stack: where to connect, how to disturb the proxy and the target, the
 * logs, and one way to stop it all. Faults reach toxiproxy through `urls.toxiproxyApi` and the leg's
 * name (harness/faults/toxiproxy-api.ts); nothing of a client library leaks through this contract.
 */
export interface Topology {
  readonly runtime: RuntimeName;
  readonly urls: StackUrls;
  /**
   * Set when clients reach nginx over TLS (the stream URLs are https:): the run's self-signed
   * certificate (PEM) to trust, and whether nginx speaks HTTP/2.
   */
  readonly tls?: { certificate: string; http2: boolean };
  readonly versions: ComponentVersions;
  /** The proxy between the legs (nginx, HAProxy or Caddy). */
  readonly proxy: ProxyControl;
  readonly target: TargetControl;
  /** The stack's redis-server, when the target's log is Redis (behind the `redis` leg). */
  readonly redis?: RedisControl;
  /** The target's network namespace, when the stack put it in one (faults below TCP). */
  readonly netns?: NetnsControl;
  /** Captured logs of every component, for the report. */
  logs(): Promise<{ proxyError: string; toxiproxy: string; target: string }>;
  /** Host processes this topology started (pid = process-group id): for diagnostics and leak checks. */
  processes(): Array<{ component: string; pid: number }>;
  /** Stops everything this topology started; idempotent; never throws. */
  stop(): Promise<void>;
}
