/**
 * Runtime validation of `results.json` (reports/results.ts is the type). A results file comes from
 * disk, maybe from an older or newer tool: validating it before rendering turns a confusing
 * `undefined is not iterable` deep in a renderer into one clear message naming the bad field.
 * Objects are loose (unknown keys kept) so files carrying fields added later still re-render.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Results } from './results.ts';

const num = z.number();
const nullableNum = z.number().nullable();

const sloSchema = z.looseObject({
  name: z.string(),
  description: z.string(),
  measurement: z.string(),
  comparator: z.enum(['<=', '>=', '==']),
  threshold: num,
  measured: nullableNum,
  unit: z.string(),
  pass: z.boolean(),
  diagnosis: z.string().optional(),
  evidence: z.looseObject({ measurement: z.string(), value: nullableNum }).optional(),
  notMeasured: z.boolean().optional(),
});

const faultSchema = z.looseObject({
  name: z.string(),
  leg: z.string().optional(),
  startMs: num,
  endMs: num,
  params: z.record(z.string(), z.unknown()),
  error: z.string().optional(),
});

const seriesSchema = z.looseObject({
  bucketMs: num,
  t: z.array(num),
  latencyP50: z.array(nullableNum),
  latencyP95: z.array(nullableNum),
  latencyP99: z.array(nullableNum),
  latencyMax: z.array(nullableNum),
  connected: z.array(num),
  reconnectsPerSec: z.array(num),
  published: z.array(num),
  delivered: z.array(num),
  heartbeatGaps: z.array(z.looseObject({ t: num, gapMs: num, sub: num })),
  byProfile: z
    .record(z.string(), z.looseObject({ connected: z.array(num), reconnectsPerSec: z.array(num) }))
    .optional(),
});

const verdictOrNa = z.enum(['pass', 'fail', 'n/a']);
const modelCheckSchema = z.looseObject({
  model: z.string(),
  reality: z.string(),
  subscribers: z.looseObject({ model: num, reality: num }),
  comparisons: z.array(
    z.looseObject({
      slo: z.string(),
      model: verdictOrNa,
      reality: verdictOrNa,
      modelMeasured: nullableNum,
      realityMeasured: nullableNum,
      outcome: z.enum(['agree', 'disagree', 'not comparable']),
      known: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
  disagreements: num,
});

const scenarioSchema = z.looseObject({
  name: z.string(),
  description: z.string(),
  verdict: z.enum(['pass', 'fail', 'error', 'skipped']),
  skipped: z.looseObject({ needs: z.array(z.string()), reason: z.string() }).optional(),
  notes: z.array(z.string()).optional(),
  evidence: z
    .looseObject({
      publishesAcknowledged: num,
      events: num,
      connections: num,
      subscribers: num,
      windows: num,
      thinnestWindowEvents: num,
    })
    .optional(),
  expected: z.union([z.literal('pass'), z.array(z.string())]),
  asExpected: z.boolean(),
  error: z.string().optional(),
  durationMs: num,
  profile: z.string(),
  proxyConfig: z.string().optional(),
  proxy: z.string().optional(),
  target: z.string(),
  fleet: z.looseObject({ subscribers: num, profiles: z.record(z.string(), num) }),
  workload: z.looseObject({ published: num, acknowledged: num, failed: num, ratePerSec: num }),
  slos: z.array(sloSchema),
  measurements: z.record(z.string(), nullableNum),
  faults: z.array(faultSchema),
  series: seriesSchema,
  metrics: z.looseObject({ before: z.record(z.string(), num), after: z.record(z.string(), num) }),
  logs: z.looseObject({ proxyError: z.string().optional(), target: z.string().optional() }).optional(),
  transport: z.looseObject({ tls: z.boolean(), http2: z.boolean() }).optional(),
  browsers: z
    .looseObject({
      version: z.string(),
      eventSources: num,
      contexts: num,
      processes: num,
      peakPssBytes: num,
      idlePssBytes: num,
      cpuMs: num,
      wallMs: num,
    })
    .optional(),
  modelCheck: modelCheckSchema.optional(),
  harness: z.looseObject({ loopDelayP99Ms: num, loopDelayMaxMs: num }).optional(),
  instances: z
    .looseObject({
      perInstance: z.array(z.looseObject({ name: z.string(), streams: num, subscribers: num, events: num })),
      failovers: z.array(
        z.looseObject({
          from: z.string(),
          to: z.string(),
          subscribers: num,
          p50Ms: num,
          p95Ms: num,
          maxMs: num,
          missed: num,
        }),
      ),
      story: z.array(z.string()),
    })
    .optional(),
});

export const resultsSchema = z.looseObject({
  schemaVersion: z.literal(1),
  tool: z.looseObject({ name: z.literal('sse-chaos'), version: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: num,
  seed: num,
  environment: z.looseObject({
    runtime: z.enum(['local', 'containers']),
    node: z.string(),
    nginx: z.string(),
    proxy: z.string().optional(),
    toxiproxy: z.string(),
    os: z.string(),
    cpus: num,
    memoryBytes: num,
    gitCommit: z.string().optional(),
  }),
  scenarios: z.array(scenarioSchema),
  summary: z.looseObject({
    total: num,
    asExpected: num,
    unexpected: num,
    errors: num,
    skipped: num.optional(),
  }),
});

// Compile-time guard: the schema's output must stay assignable to the Results contract.
type SchemaOutput = z.infer<typeof resultsSchema>;
const _schemaMatchesContract = (x: SchemaOutput): Results => x;
void _schemaMatchesContract;

/** Validates parsed JSON as Results; `source` names the file in the error. */
export function parseResults(data: unknown, source: string): Results {
  const parsed = resultsSchema.safeParse(data);
  if (!parsed.success) {
    throw new Error(
      `${source} is not a valid sse-chaos results file (schemaVersion 1):\n${z.prettifyError(parsed.error)}\n` +
        'Re-run `npm run chaos` to produce a fresh results.json, or fix the fields listed above.',
    );
  }
  return parsed.data;
}

/** Reads and validates a results.json file, with a clear error for a missing, non-JSON or wrong-shaped file. */
export async function readResults(path: string): Promise<Results> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read results file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`results file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseResults(data, `results file ${path}`);
}
