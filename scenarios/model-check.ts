/**
 * The `model-check` suite: every user scenario again, with real Chromium EventSources beside the
 * modelled fleet. The run is judged as usual, and the judge compares the browser model's verdicts
 * with Chromium's, SLO by SLO (harness/run/model-check.ts): a disagreement that no documented
 * difference explains makes the scenario not as expected.
 */
import { parseScenario, type Scenario } from '../harness/run/scenario.ts';

/** Real browsers a model-check run adds: enough for a storm verdict of their own (>= 20 cut together). */
export const MODEL_CHECK_BROWSERS = 20;

/**
 * `s` with `browsers` Chromium EventSources added to its fleet (its modelled fleet is unchanged:
 * same size, same mix), named `model-check-<name>`.
 */
export function modelCheckVariant(s: Scenario, browsers = MODEL_CHECK_BROWSERS): Scenario {
  const { source, edgeBFraction: _lanes, ...spec } = s;
  const p = spec.fleet.profiles;
  const modelShares = (p.browser ?? 0) + (p.backoff ?? 0);
  if (modelShares === 0 || (p.chromium ?? 0) > 0)
    throw new Error(`${s.name}: a model check needs a purely modelled fleet to add browsers to`);
  const count = spec.fleet.count;
  return parseScenario(
    {
      ...spec,
      name: `model-check-${s.name}`,
      description: `${s.description} Model check: ${browsers} real Chromium EventSources run beside the modelled fleet, and their verdicts are compared with the browser model's, SLO by SLO.`,
      fleet: {
        ...spec.fleet,
        count: count + browsers,
        // Shares as subscriber counts: the modelled fleet keeps its size and mix.
        profiles: {
          browser: (count * (p.browser ?? 0)) / modelShares,
          backoff: (count * (p.backoff ?? 0)) / modelShares,
          chromium: browsers,
        },
      },
      tags: [...spec.tags, 'model-check'],
    },
    `${source} (model check)`,
  );
}
