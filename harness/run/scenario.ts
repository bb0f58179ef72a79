/**
 * `defineScenario({...})`: a scenario is topology profile + workload + fleet + fault timeline +
 * SLO overrides + expectation. Validated with zod at definition time, so a typo fails fast with
 * the file and the field ("scenarios/foo.ts: workload.ratePerSec: expected a positive number,
 * got -1"), never halfway through a suite.
 *
 * Defaults are time-compressed (heartbeat 1 s, retry 1 s + jitter, a few seconds of workload) so
 * the whole built-in suite runs in about two minutes.
 */
import { z } from 'zod';
import { faultRegistry } from '../faults/registry.ts';
import { targetSpecSchema } from '../topology/target.ts';
import { callerFile } from './caller-file.ts';
import { ScenarioConfigError } from './config-error.ts';
import { formatIssues } from './zod-errors.ts';

const fmt = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const positive = (what = 'a positive number') =>
  z.number({ error: (i) => `expected ${what}, got ${fmt(i.input)}` }).positive({
    error: (i) => `expected ${what}, got ${fmt(i.input)}`,
  });
const nonNegative = (what = 'a number >= 0') =>
  z.number({ error: (i) => `expected ${what}, got ${fmt(i.input)}` }).min(0, {
    error: (i) => `expected ${what}, got ${fmt(i.input)}`,
  });
const int = (what: string) =>
  z.number({ error: (i) => `expected ${what}, got ${fmt(i.input)}` }).int({
    error: (i) => `expected ${what}, got ${fmt(i.input)}`,
  });

/** Options of the reference server (server/main.ts flags), time-compressed by default. */
export const serverOptionsSchema = z.strictObject({
  heartbeatMs: positive().default(1000),
  retryMs: positive().default(1000),
  retryJitterMs: nonNegative().default(2000),
  log: z.enum(['memory', 'file']).default('memory'),
  /** How many events the replay log keeps. */
  logRetention: int('a whole number of events').min(1).optional(),
  graceMs: nonNegative().default(1500),
  publishToken: z.string().min(1).optional(),
  extraArgs: z.array(z.string()).optional(),
});

const legSchema = z.enum(['edge', 'edge-b', 'origin']);

const faultSchema = z.strictObject({
  /** ms after the workload starts. */
  at: nonNegative(),
  /** ms the fault lasts (target faults: the extra time after the restart). */
  duration: nonNegative(),
  action: z.string().refine((a) => faultRegistry.has(a), {
    error: (i) => `unknown fault ${fmt(i.input)}; known: ${[...faultRegistry.keys()].join(', ')}`,
  }),
  params: z.record(z.string(), z.unknown()).default({}),
  leg: legSchema.optional(),
  /** Fault on a fraction of the fleet: it goes on `edge-b`, and that fraction of subscribers uses edge-b. */
  fraction: z
    .number()
    .gt(0, { error: (i) => `expected a fraction in (0, 1), got ${fmt(i.input)}` })
    .lt(1, { error: (i) => `expected a fraction in (0, 1), got ${fmt(i.input)}` })
    .optional(),
});

const profileMix = z
  .strictObject({ browser: nonNegative().optional(), backoff: nonNegative().optional() })
  .refine((m) => (m.browser ?? 0) + (m.backoff ?? 0) > 0, {
    error: 'at least one profile needs a share > 0',
  });

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a kebab-case name (a-z, 0-9, -)' }),
    /** The real-world incident this scenario models. */
    description: z.string().min(10, { error: 'describe the real-world incident this scenario models' }),
    topology: z
      .strictObject({
        profile: z.string().min(1).default('good'),
        profileParams: z.record(z.string(), z.unknown()).optional(),
        /** A target spec (harness/topology/target.ts); default: the reference server with `server`. */
        target: targetSpecSchema.optional(),
        server: serverOptionsSchema.prefault({}),
      })
      .prefault({}),
    workload: z
      .strictObject({
        ratePerSec: positive().default(40),
        durationMs: positive().default(5000),
        payloadBytes: nonNegative().default(200),
        topics: z.array(z.string().min(1)).min(1).default(['t1']),
      })
      .prefault({}),
    fleet: z
      .strictObject({
        count: int('a whole number of subscribers').min(1).default(40),
        profiles: profileMix.default({ browser: 0.5, backoff: 0.5 }),
        rampMs: nonNegative().default(300),
        /** The idle watchdog cuts a connection after this many heartbeat intervals of silence. */
        watchdogMultiple: positive().default(3),
        /** The `backoff` profile's policy (capped exponential, full jitter), time-compressed. */
        backoff: z
          .strictObject({ baseMs: positive().default(2000), capMs: positive().default(3000) })
          .refine((b) => b.capMs >= b.baseMs, { error: 'capMs must be >= baseMs', path: ['capMs'] })
          .prefault({}),
        /** Topics each subscriber subscribes to (default: all workload topics). */
        topics: z.array(z.string().min(1)).min(1).optional(),
      })
      .prefault({}),
    faults: z.array(faultSchema).default([]),
    /** SLO overrides by SLO name: a threshold, or `{ threshold?, enabled? }`. */
    slos: z
      .record(
        z.string(),
        z.union(
          [z.number(), z.strictObject({ threshold: z.number().optional(), enabled: z.boolean().optional() })],
          {
            error: 'expected a threshold number or { threshold?, enabled? }',
          },
        ),
      )
      .default({}),
    expect: z
      .union([z.literal('pass'), z.strictObject({ violates: z.array(z.string().min(1)).min(1) })], {
        error: "expected 'pass' or { violates: ['slo-name', ...] }",
      })
      .default('pass'),
    /** Upper bound on the drain after the workload (subscribers catching up). */
    drainMs: nonNegative().default(3000),
    /** Extra ms between the fleet being connected and the workload start. */
    settleMs: nonNegative().default(300),
    /** Not part of the default suite (e.g. scale runs). */
    tags: z.array(z.string()).default([]),
  })
  .superRefine((s, ctx) => {
    const fractions = new Set<number>();
    s.faults.forEach((f, i) => {
      const def = faultRegistry.get(f.action);
      if (!def) return;
      const parsed = def.params.safeParse(f.params);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({
            code: 'custom',
            message: issue.message,
            path: ['faults', i, 'params', ...issue.path],
          });
        }
      }
      if (f.fraction !== undefined) {
        if (f.leg && f.leg !== 'edge-b') {
          ctx.addIssue({
            code: 'custom',
            message: `a fault on a fraction of the fleet runs on leg edge-b, not ${f.leg}`,
            path: ['faults', i, 'leg'],
          });
        }
        fractions.add(f.fraction);
      }
      const leg = f.leg ?? (f.fraction !== undefined ? 'edge-b' : 'edge');
      const explicit = f.leg !== undefined || f.fraction !== undefined;
      if (def.legs.length ? !def.legs.includes(leg) : explicit) {
        ctx.addIssue({
          code: 'custom',
          message: `${f.action} cannot act on leg ${leg}`,
          path: ['faults', i, 'leg'],
        });
      }
    });
    if (fractions.size > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `all faults on a fraction of the fleet must use the same fraction, got ${[...fractions].join(', ')}`,
        path: ['faults'],
      });
    }
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioSpec = z.output<typeof scenarioSchema>;
export type ServerOptions = z.output<typeof serverOptionsSchema>;

export interface Scenario extends ScenarioSpec {
  /** Where it was defined (for error messages). */
  source: string;
  /** Fraction of the fleet on edge-b (0 when no fault targets a fraction). */
  edgeBFraction: number;
}

/** Validates a scenario; throws ScenarioConfigError naming the file and each bad field. */
export function defineScenario(input: ScenarioInput): Scenario {
  const source = callerFile() ?? `scenario ${fmt((input as { name?: unknown })?.name)}`;
  return parseScenario(input, source);
}

export function parseScenario(input: unknown, source: string): Scenario {
  const r = scenarioSchema.safeParse(input);
  if (!r.success) throw new ScenarioConfigError(formatIssues(source, r.error.issues));
  const spec = r.data;
  const edgeBFraction = spec.faults.find((f) => f.fraction !== undefined)?.fraction ?? 0;
  return { ...spec, source, edgeBFraction };
}

/** Names of the SLOs a scenario expects to violate ([] for 'pass'). */
export function expectedViolations(s: Pick<ScenarioSpec, 'expect'>): string[] {
  return s.expect === 'pass' ? [] : s.expect.violates;
}
