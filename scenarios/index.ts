/**
 * The built-in scenarios, by suite.
 *
 * - `user` (the default): the scenarios that judge a server and its proxies. What `npm run chaos` and
 *   `npx sse-chaos` run, and what a team gates merges with. Cheap and foundational first, so a broken
 *   setup shows up in `baseline` within seconds.
 * - `self-test`: each runs a deliberately broken proxy setup (nginx, HAProxy, Caddy, or an emulated
 *   intermediary) and expects its detector to fire. They
 *   prove the harness, not your server (they fail when anything else is also wrong); this repository
 *   runs them in CI.
 * - `cluster`: two instances of the server behind the proxy on a shared Redis log (failover, a rolling
 *   restart, Redis restarted and partitioned). Reference server and zoo members only (skipped otherwise).
 * - `network`: faults below TCP on the link of a target in its own network namespace (packet loss, a rate
 *   limit, netem where the kernel has it). Needs root; skipped with the reason otherwise.
 * - `scale`: 10,000 subscribers through the stack (minutes, most of the machine); by name only.
 */
import type { Scenario } from '../harness/run/scenario.ts';
import caddyBrowserGiveUp from './caddy-browser-give-up.ts';
import caddyReadTimeout from './caddy-read-timeout.ts';
import caddyWriteTimeout from './caddy-write-timeout.ts';
import cdnCompression from './cdn-compression.ts';
import cdnIdleTimeout from './cdn-idle-timeout.ts';
import cloudLbIdleTimeout from './cloud-lb-idle-timeout.ts';
import envoyRouteTimeout from './envoy-route-timeout.ts';
import haproxyBrowserGiveUp from './haproxy-browser-give-up.ts';
import haproxyCompression from './haproxy-compression.ts';
import haproxyDelayedWrites from './haproxy-delayed-writes.ts';
import haproxyShortTimeouts from './haproxy-short-timeouts.ts';
import haproxyTunnelTimeout from './haproxy-tunnel-timeout.ts';
import baseline from './baseline.ts';
import browserConnectionCap from './browser-connection-cap.ts';
import browserConnectionCapH2 from './browser-connection-cap-h2.ts';
import browserGiveUp from './browser-give-up.ts';
import concurrentPublishers from './concurrent-publishers.ts';
import crashRestart from './crash-restart.ts';
import cutBeforeFirstEvent from './cut-before-first-event.ts';
import edgeLatency from './edge-latency.ts';
import edgePartition from './edge-partition.ts';
import h2ConnectionCut from './h2-connection-cut.ts';
import gracefulShutdown from './graceful-shutdown.ts';
import idleStretch from './idle-stretch.ts';
import idleTimeout from './idle-timeout.ts';
import instanceFailover from './instance-failover.ts';
import netemDelay from './netem-delay.ts';
import netemReorder from './netem-reorder.ts';
import packetLoss2pct from './packet-loss-2pct.ts';
import rateLimit from './rate-limit.ts';
import redisPartition from './redis-partition.ts';
import redisRestart from './redis-restart.ts';
import rollingRestart from './rolling-restart.ts';
import midFrameCut from './mid-frame-cut.ts';
import { modelCheckVariant } from './model-check.ts';
import nginxReload from './nginx-reload.ts';
import originPartition from './origin-partition.ts';
import proxyBuffering from './proxy-buffering.ts';
import reconnectStorm from './reconnect-storm.ts';
import replayWindowOverflow from './replay-window-overflow.ts';
import scale from './scale.ts';
import slowConsumer from './slow-consumer.ts';

export const userSuite: readonly Scenario[] = [
  baseline,
  edgeLatency,
  edgePartition,
  originPartition,
  slowConsumer,
  midFrameCut,
  cutBeforeFirstEvent,
  reconnectStorm,
  concurrentPublishers,
  idleStretch,
  gracefulShutdown,
  crashRestart,
  nginxReload,
  replayWindowOverflow,
];

export const selfTestSuite: readonly Scenario[] = [
  browserGiveUp,
  proxyBuffering,
  idleTimeout,
  browserConnectionCap,
  // HAProxy and Caddy: each misconfiguration profile's detector.
  haproxyBrowserGiveUp,
  haproxyDelayedWrites,
  haproxyShortTimeouts,
  haproxyTunnelTimeout,
  haproxyCompression,
  caddyBrowserGiveUp,
  caddyReadTimeout,
  caddyWriteTimeout,
  // Emulated intermediaries (documented as emulations in their profiles).
  envoyRouteTimeout,
  cloudLbIdleTimeout,
  cdnIdleTimeout,
  cdnCompression,
];

/** Scenarios of real browsers (Chromium) on the user's server: HTTP/2 over TLS. */
export const browserSuite: readonly Scenario[] = [browserConnectionCapH2, h2ConnectionCut];

/** Several instances of the server on a shared Redis log: failover, rolling restart, Redis faults. */
export const clusterSuite: readonly Scenario[] = [
  instanceFailover,
  rollingRestart,
  redisRestart,
  redisPartition,
];

/** Faults below TCP (a network namespace around the target): packet loss, rate limits, netem. */
export const networkSuite: readonly Scenario[] = [packetLoss2pct, rateLimit, netemDelay, netemReorder];

/** The user suite again with real Chromium beside the modelled fleet: the model's verdicts must match. */
export const modelCheckSuite: readonly Scenario[] = userSuite.map((s) => modelCheckVariant(s));

/** Suites by name; `user` is the default. */
export const suites: Readonly<Record<string, readonly Scenario[]>> = {
  user: userSuite,
  'self-test': selfTestSuite,
  browser: browserSuite,
  'model-check': modelCheckSuite,
  cluster: clusterSuite,
  network: networkSuite,
  scale: [scale],
};

/** The default suite (what `npx sse-chaos` runs with no scenario named). */
export const defaultSuite = userSuite;

export const allScenarios: readonly Scenario[] = [
  ...userSuite,
  ...selfTestSuite,
  ...browserSuite,
  ...modelCheckSuite,
  ...clusterSuite,
  ...networkSuite,
  scale,
];

export { scale };
