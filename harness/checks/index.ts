/** Public surface of the checks: pure functions from a run's history to measurements and series. */
export type { Check, Measurements, Records } from './check.ts';
export { asArray } from './check.ts';
export type { BackoffPolicy, CheckContext, CheckContextInput } from './context.ts';
export { checkContext, DEFAULT_CHECK_CONTEXT, stormWindowFor } from './context.ts';
export { CHECKS, getCheck, runChecks } from './registry.ts';
export { buildSeries } from './series.ts';
export { faultWindows } from './faults.ts';
export { buffering } from './buffering.ts';
export { delivery } from './delivery.ts';
export { heartbeat } from './heartbeat.ts';
export { latency } from './latency.ts';
export { reconnect } from './reconnect.ts';
export { server } from './server.ts';
export { shutdown } from './shutdown.ts';
