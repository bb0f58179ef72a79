/**
 * The built-in suite. `defaultSuite` is what `npm run chaos` runs (order: cheap and foundational
 * first, so a broken setup shows up in `baseline` within seconds); `allScenarios` adds the ones
 * run only by name (e.g. `scale`, used by the benchmarks).
 */
import type { Scenario } from '../harness/run/scenario.ts';
import baseline from './baseline.ts';
import browserGiveUp from './browser-give-up.ts';
import crashRestart from './crash-restart.ts';
import edgeLatency from './edge-latency.ts';
import edgePartition from './edge-partition.ts';
import gracefulShutdown from './graceful-shutdown.ts';
import idleTimeout from './idle-timeout.ts';
import midFrameCut from './mid-frame-cut.ts';
import nginxReload from './nginx-reload.ts';
import originPartition from './origin-partition.ts';
import proxyBuffering from './proxy-buffering.ts';
import reconnectStorm from './reconnect-storm.ts';
import replayWindowOverflow from './replay-window-overflow.ts';
import scale from './scale.ts';
import slowConsumer from './slow-consumer.ts';

export const defaultSuite: readonly Scenario[] = [
  baseline,
  edgeLatency,
  edgePartition,
  originPartition,
  slowConsumer,
  midFrameCut,
  reconnectStorm,
  gracefulShutdown,
  crashRestart,
  browserGiveUp,
  nginxReload,
  replayWindowOverflow,
  proxyBuffering,
  idleTimeout,
];

export const allScenarios: readonly Scenario[] = [...defaultSuite, scale];

export { scale };
