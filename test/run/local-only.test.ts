/**
 * HAProxy, Caddy and a user's own proxy config run on the local runtime only: under containers the
 * runner reports such a scenario as skipped with the reason, before anything starts.
 */
import { describe, expect, it } from 'vitest';
import { planScenario } from '../../harness/run/plan.ts';
import { runPlan } from '../../harness/run/runner.ts';
import { parseScenario } from '../../harness/run/scenario.ts';
import { localOnly, localOnlyTarget } from '../../harness/topology/index.ts';
import { parseTarget } from '../../harness/topology/target.ts';
import { clusterSuite, networkSuite } from '../../scenarios/index.ts';

const scenario = parseScenario(
  { name: 'demo', description: 'an incident that happened somewhere' },
  'demo.ts',
);

describe('the local runtime only', () => {
  it('says why for HAProxy, Caddy and a user nginx config, and nothing for nginx profiles', () => {
    expect(localOnly('haproxy', false)).toMatch(/haproxy \(local runtime only/);
    expect(localOnly('caddy', false)).toMatch(/caddy/);
    expect(localOnly('nginx', true)).toMatch(/your own nginx config/);
    expect(localOnly('nginx', false)).toBeUndefined();
  });

  it('skips a HAProxy scenario under the containers runtime with the reason, starting nothing', async () => {
    const plan = planScenario(scenario, { proxy: 'haproxy' });
    const outcome = await runPlan(plan, { runtime: 'containers' });
    expect(outcome.infrastructure).toBe(false);
    expect(outcome.result).toMatchObject({
      verdict: 'skipped',
      proxy: 'haproxy',
      skipped: {
        needs: ['local-runtime'],
        reason: expect.stringMatching(/needs the local runtime: haproxy/),
      },
    });
  });

  it('says why for several instances, a Redis log and a network namespace', () => {
    expect(
      localOnlyTarget(parseTarget({ kind: 'reference', options: { log: 'redis', instances: 2 } }), false),
    ).toMatch(/several instances/);
    expect(localOnlyTarget(parseTarget({ kind: 'reference', options: { log: 'redis' } }), false)).toMatch(
      /a Redis log/,
    );
    expect(localOnlyTarget(parseTarget({ kind: 'reference' }), true)).toMatch(/network namespace/);
    expect(localOnlyTarget(parseTarget({ kind: 'reference' }), false)).toBeUndefined();
  });

  it('skips the cluster and network scenarios under the containers runtime, starting nothing', async () => {
    for (const s of [clusterSuite[0]!, networkSuite[0]!]) {
      const outcome = await runPlan(planScenario(s), { runtime: 'containers' });
      expect(outcome.result, s.name).toMatchObject({
        verdict: 'skipped',
        skipped: { needs: ['local-runtime'], reason: expect.stringMatching(/needs the local runtime/) },
      });
    }
  });
});
