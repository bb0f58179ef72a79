/** Public surface of the checks: pure functions from a run's history to measurements and series. */
export type { Check, Records } from './check.ts';
export { asArray } from './check.ts';
export type { CheckContext, CheckContextInput, Retention } from './context.ts';
export { checkContext, JUDGING } from './context.ts';
export {
  MEASUREMENTS,
  MEASUREMENT_KEYS,
  isMeasurementKey,
  type MeasurementKey,
  type Measurements,
} from './keys.ts';
export { CHECKS, getCheck, runChecks } from './registry.ts';
export { buildSeries } from './series.ts';
export { faultWindows } from './faults.ts';
export { buffering } from './buffering.ts';
export { delivery } from './delivery.ts';
export { evidence } from './evidence.ts';
export { faults } from './fault-effects.ts';
export { heartbeat } from './heartbeat.ts';
export {
  analyzeInstances,
  failoverGroups,
  instanceStory,
  instances,
  type FailoverGroup,
  type InstanceAnalysis,
} from './instances.ts';
export { latency } from './latency.ts';
export { publish } from './publish.ts';
export { reconnect } from './reconnect.ts';
export { server } from './server.ts';
export { shutdown } from './shutdown.ts';
