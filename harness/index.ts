/**
 * The public programmatic API of sse-chaos: define scenarios and a config, run one scenario or a
 * suite, and the types of what comes back (results.json's shape).
 *
 *   import { defineScenario, runSuite } from 'sse-chaos';
 *   const { results } = await runSuite([myScenario]);
 */
export { defineScenario, parseScenario, expectedViolations } from './run/scenario.ts';
export type { Capability, Scenario, ScenarioInput, ScenarioSpec } from './run/scenario.ts';
export { planScenario, type PlanOptions, type RunPlan } from './run/plan.ts';
export { judge, type RunRecord } from './run/judge.ts';
export { defineConfig, loadConfig, type Config, type ConfigInput } from './run/config.ts';
export { ScenarioConfigError } from './run/config-error.ts';
export {
  runPlan,
  runScenario,
  RunInterrupted,
  type RunScenarioOptions,
  type ScenarioOutcome,
} from './run/runner.ts';
export { runSuite, type RunSuiteOptions, type SuiteOutcome } from './run/suite.ts';
export { EXIT } from './run/exit-codes.ts';
export { defineFault, faultRegistry, getFault, type FaultDefinition } from './faults/index.ts';
export { InfrastructureError, TopologyConfigError } from './topology/errors.ts';
export type { Declarations, TargetSpec, TargetSpecInput } from './topology/target.ts';
export { MEASUREMENTS, type MeasurementKey, type Measurements } from './checks/keys.ts';
export { SLO_NAMES } from './slo/defaults.ts';
export type {
  Results,
  ScenarioResult,
  SloResult,
  FaultWindow,
  TimeSeries,
  Verdict,
} from './results/results.ts';
export { defaultSuite, allScenarios, suites, userSuite, selfTestSuite } from '../scenarios/index.ts';
