/**
 * Runs scenarios one after another (each on its own fresh stack: a fault in one must not leak into
 * the next) and assembles results.json's `Results`. Every scenario is planned before the first one
 * starts, so a bad override or expectation fails in a second, not after minutes.
 */
import { readFileSync } from 'node:fs';
import { packageFile } from '../package-layout.ts';
import type { Results, ScenarioResult } from '../results/results.ts';
import { inSpan, startTracing } from '../telemetry/tracing.ts';
import type { ProxyKind } from '../topology/proxy-kind.ts';
import type { ComponentVersions } from '../topology/topology.ts';
import { describeEnvironment } from './environment.ts';
import { skippedResult } from './judge.ts';
import { planScenario, type RunPlan } from './plan.ts';
import type { ProgressEvent } from './progress.ts';
import { runPlan, type RunScenarioOptions } from './runner.ts';
import type { Scenario } from './scenario.ts';

export interface RunSuiteOptions extends Omit<RunScenarioOptions, 'onPhase' | 'tracer' | 'proxy' | 'matrix'> {
  /**
   * The proxies to run every scenario behind (`--proxy`, repeatable; default nginx). With more than
   * one, each scenario runs once per proxy and its results are named `scenario@proxy`; a scenario that
   * pins its proxy runs once.
   */
  proxies?: readonly ProxyKind[];
  onProgress?(ev: ProgressEvent): void;
}

/** One plan per scenario and proxy (a scenario pinned to a proxy: one plan). */
export function planSuite(scenarios: readonly Scenario[], opts: RunSuiteOptions = {}): RunPlan[] {
  const proxies = opts.proxies?.length ? [...new Set(opts.proxies)] : [undefined];
  const matrix = proxies.length > 1;
  return scenarios.flatMap((s) =>
    (s.topology.proxy ? [s.topology.proxy] : proxies).map((proxy) =>
      planScenario(s, { ...opts, ...(proxy ? { proxy } : {}), matrix }),
    ),
  );
}

export interface SuiteOutcome {
  results: Results;
  interrupted: boolean;
  /** At least one scenario failed on infrastructure (exit code 3). */
  infrastructureError: boolean;
}

export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function summarize(scenarios: ScenarioResult[]): Results['summary'] {
  const skipped = scenarios.filter((s) => s.verdict === 'skipped').length;
  const errors = scenarios.filter((s) => s.verdict === 'error').length;
  const asExpected = scenarios.filter((s) => s.asExpected && s.verdict !== 'skipped').length;
  return {
    total: scenarios.length,
    asExpected,
    unexpected: scenarios.length - asExpected - errors - skipped,
    errors,
    skipped,
  };
}

export async function runSuite(
  scenarios: readonly Scenario[],
  opts: RunSuiteOptions = {},
): Promise<SuiteOutcome> {
  const plans = planSuite(scenarios, opts);
  const startedAt = new Date();
  const t0 = performance.now();
  const tracing = await startTracing();
  const done: ScenarioResult[] = [];
  let versions: ComponentVersions | undefined;
  let interrupted = false;
  let infrastructureError = false;
  let finishedAt = new Date();
  let durationMs = 0;
  try {
    for (const [index, plan] of plans.entries()) {
      const name = plan.name;
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      opts.onProgress?.({ type: 'scenario-start', name, index, total: plans.length });
      if (plan.skip) {
        const result = skippedResult(plan);
        done.push(result);
        opts.onProgress?.({ type: 'scenario-end', result, index, total: plans.length });
        continue;
      }
      const outcome = await inSpan(
        tracing.tracer,
        `scenario ${name}`,
        { 'scenario.name': name, 'scenario.profile': plan.profile, 'scenario.proxy': plan.proxy },
        async (span) => {
          const o = await runPlan(plan, {
            ...opts,
            tracer: tracing.tracer,
            onPhase: (phase, live) =>
              opts.onProgress?.({ type: 'phase', name, phase, ...(live ? { live } : {}) }),
          });
          span.setAttribute('scenario.verdict', o.result.verdict);
          span.setAttribute('scenario.asExpected', o.result.asExpected);
          return o;
        },
      );
      versions ??= outcome.versions;
      // A Redis may start only for some scenarios (the cluster suite): keep its version once seen.
      if (versions && outcome.versions?.redis && !versions.redis)
        versions = { ...versions, redis: outcome.versions.redis };
      done.push(outcome.result);
      opts.onProgress?.({ type: 'scenario-end', result: outcome.result, index, total: plans.length });
      if (outcome.infrastructure) infrastructureError = true;
      if (outcome.interrupted) {
        interrupted = true;
        break;
      }
    }
  } finally {
    finishedAt = new Date();
    durationMs = Math.round(performance.now() - t0);
    await tracing.shutdown();
  }
  const results: Results = {
    schemaVersion: 1,
    tool: { name: 'sse-chaos', version: toolVersion() },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    seed: opts.seed ?? 1,
    environment: await describeEnvironment(versions),
    scenarios: done,
    summary: summarize(done),
  };
  return { results, interrupted, infrastructureError };
}
