/**
 * The public programmatic API of sse-chaos: define scenarios and a config, run one scenario or a
 * suite, and the types of what comes back (results.json's shape).
 *
 *   import { defineScenario, runSuite } from 'sse-chaos';
 *   const { results } = await runSuite([myScenario]);
 */
export { defineScenario, parseScenario, expectedViolations } from './run/scenario.ts';
export type { Scenario, ScenarioInput, ScenarioSpec, ServerOptions } from './run/scenario.ts';
export { defineConfig, loadConfig, type Config, type ConfigInput } from './run/config.ts';
export { ScenarioConfigError } from './run/config-error.ts';
export { runScenario, RunInterrupted, type RunScenarioOptions, type ScenarioOutcome } from './run/runner.ts';
export { runSuite, type RunSuiteOptions, type SuiteOutcome } from './run/suite.ts';
export { EXIT } from './run/exit-codes.ts';
export { defineFault, faultRegistry, getFault, type FaultDefinition } from './faults/index.ts';
export { InfrastructureError, TopologyConfigError } from './topology/errors.ts';
export type { TargetSpec, TargetSpecInput } from './topology/target.ts';
export type {
  Results,
  ScenarioResult,
  SloResult,
  FaultWindow,
  TimeSeries,
  Verdict,
} from '../reports/results.ts';
export { defaultSuite, allScenarios } from '../scenarios/index.ts';
