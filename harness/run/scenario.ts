/**
 * `defineScenario({...})`: a scenario is topology profile + workload + fleet + fault timeline +
 * SLO overrides + expectation. Validated with zod at definition time, so a typo fails fast with
 * the file and the field ("scenarios/foo.ts: workload.ratePerSec: expected a positive number,
 * got -1"), never halfway through a suite. Defaults come from defaults.ts (time-compressed).
 *
 * A scenario says what it does; the plan (plan.ts) decides how that meets a target: what the
 * target declared, whether the scenario can run against it, and what every fault is followed by.
 */
import { z } from 'zod';
import { faultRegistry } from '../faults/registry.ts';
import { SLO_NAMES } from '../slo/defaults.ts';
import { PROXY_KINDS } from '../topology/proxy-kind.ts';
import { referenceOptionsSchema, targetSpecSchema } from '../topology/target.ts';
import { callerFile } from './caller-file.ts';
import { ScenarioConfigError } from './config-error.ts';
import { SCENARIO_DEFAULTS as D } from './defaults.ts';
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

/**
 * What a scenario may need from a target beyond streaming and publishing. The plan adds the ones a
 * scenario's faults imply (`restart` for a graceful stop and start, `crash` for a kill and start,
 * `shutdown-grace` for SIGTERM); a scenario
 * names the others. A target that lacks one gets the scenario reported as skipped, never errored.
 */
export const CAPABILITIES = [
  'restart',
  'crash',
  'durable',
  'retention',
  'shutdown-grace',
  /** Several instances of the target behind the proxy, one shared log (the reference server, zoo members). */
  'instances',
  /** A Redis log the stack starts (and can partition, slow down and restart). */
  'redis',
  /** The target in a network namespace of its own: faults below TCP (root, iproute2, nftables). */
  'netns',
  /** The kernel's netem qdisc (delay, reorder, duplicate, corrupt). */
  'netem',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** `origin-N`: the origin leg of instance N of several. */
const instanceLegSchema = z.templateLiteral(['origin-', z.number().int().min(1)]);
const legSchema = z.union([z.enum(['edge', 'edge-b', 'origin', 'redis']), instanceLegSchema], {
  error: (i) => `expected a leg: edge, edge-b, origin, origin-N (instance N's) or redis, got ${fmt(i.input)}`,
});

/** `past-retention`: the plan makes the fault outlast the target's declared retention. */
export const PAST_RETENTION = 'past-retention';

const faultSchema = z.strictObject({
  /** ms after the workload starts. */
  at: nonNegative(),
  /** ms the fault lasts (target faults: the extra time after the restart), or `past-retention`. */
  duration: z.union([nonNegative(), z.literal(PAST_RETENTION)], {
    error: (i) => `expected a duration in ms or "${PAST_RETENTION}", got ${fmt(i.input)}`,
  }),
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

/**
 * Shares of the client profiles: `browser` (our model of EventSource), `backoff` (a well-behaved
 * non-browser client) and `chromium` (real browsers: one Chromium per run, its EventSources packed
 * into browser contexts; see `fleet.chromium`).
 */
const profileMix = z
  .strictObject({
    browser: nonNegative().optional(),
    backoff: nonNegative().optional(),
    chromium: nonNegative().optional(),
  })
  .refine((m) => (m.browser ?? 0) + (m.backoff ?? 0) + (m.chromium ?? 0) > 0, {
    error: 'at least one profile needs a share > 0',
  });

const sloName = z.string().refine((n) => SLO_NAMES.includes(n), {
  error: (i) => `unknown SLO ${fmt(i.input)}; known SLOs: ${SLO_NAMES.join(', ')}`,
});

/** An SLO override: a threshold, or `{ threshold?, comparator?, enabled?, required? }`. */
export const sloOverrideSchema = z.union(
  [
    z.number(),
    z.strictObject({
      threshold: z.number().optional(),
      comparator: z.enum(['<=', '>=', '==']).optional(),
      enabled: z.boolean().optional(),
      required: z.boolean().optional(),
    }),
  ],
  { error: 'expected a threshold number or { threshold?, comparator?, enabled?, required? }' },
);

export const sloOverridesSchema = z.record(z.string(), sloOverrideSchema).superRefine((o, ctx) => {
  for (const name of Object.keys(o)) {
    if (!SLO_NAMES.includes(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `unknown SLO ${fmt(name)}; known SLOs: ${SLO_NAMES.join(', ')}`,
      });
    }
  }
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a kebab-case name (a-z, 0-9, -)' }),
    /** The real-world incident this scenario models. */
    description: z.string().min(10, { error: 'describe the real-world incident this scenario models' }),
    topology: z
      .strictObject({
        /**
         * The proxy this scenario needs (its profile is one of that proxy's); default: the run's proxy
         * (`--proxy`, nginx unless chosen).
         */
        proxy: z.enum(PROXY_KINDS).optional(),
        profile: z.string().min(1).default('good'),
        profileParams: z.record(z.string(), z.unknown()).optional(),
        /** A target spec (harness/topology/target.ts); default: the reference server with `server`. */
        target: targetSpecSchema.optional(),
        /** Options of the reference server (and zoo members) for this scenario; defaults in defaults.ts. */
        server: referenceOptionsSchema.default({}),
        /** Clients reach nginx over TLS (a self-signed certificate made for the run). */
        tls: z.boolean({ error: (i) => `expected true or false, got ${fmt(i.input)}` }).default(false),
        /** Clients speak HTTP/2 to nginx (needs `tls`: browsers use HTTP/2 only over TLS). */
        http2: z.boolean({ error: (i) => `expected true or false, got ${fmt(i.input)}` }).default(false),
        /**
         * The target runs in a network namespace of its own, on a veth pair the stack creates and
         * removes: packet faults below TCP (packet-loss, rate-limit, netem) act on its link.
         */
        netns: z.boolean({ error: (i) => `expected true or false, got ${fmt(i.input)}` }).default(false),
      })
      .refine((t) => !t.http2 || t.tls, {
        error: 'HTTP/2 needs tls: true (browsers speak HTTP/2 only over TLS)',
        path: ['http2'],
      })
      .prefault({}),
    workload: z
      .strictObject({
        ratePerSec: positive().default(D.workload.ratePerSec),
        durationMs: positive().default(D.workload.durationMs),
        payloadBytes: nonNegative().default(D.workload.payloadBytes),
        /** Payload size per topic, over `payloadBytes` (e.g. a bulk topic of large snapshots). */
        payloadBytesByTopic: z.record(z.string(), nonNegative()).default({}),
        topics: z
          .array(z.string().min(1))
          .min(1)
          .default([...D.workload.topics]),
        /** Concurrent publishers (independent producers, requests overlapping). */
        publishers: int('a whole number of publishers').min(1).default(D.workload.publishers),
        /** Quiet stretches with no publish (an idle period, a delayed start). */
        pauses: z.array(z.strictObject({ at: nonNegative(), duration: positive() })).default([]),
      })
      .prefault({}),
    fleet: z
      .strictObject({
        count: int('a whole number of subscribers').min(1).default(D.fleet.count),
        profiles: profileMix.default({ ...D.fleet.profiles }),
        rampMs: nonNegative().default(D.fleet.rampMs),
        /** The idle watchdog cuts a connection after this many declared heartbeat intervals of silence. */
        watchdogMultiple: positive().default(D.fleet.watchdogMultiple),
        /** The `backoff` profile's policy (capped exponential, full jitter), time-compressed. */
        backoff: z
          .strictObject({
            baseMs: positive().default(D.fleet.backoff.baseMs),
            capMs: positive().default(D.fleet.backoff.capMs),
          })
          .refine((b) => b.capMs >= b.baseMs, { error: 'capMs must be >= baseMs', path: ['capMs'] })
          .prefault({}),
        /** Topics each subscriber subscribes to (default: all workload topics). */
        topics: z.array(z.string().min(1)).min(1).optional(),
        /** Topics of the fraction of the fleet a fault targets (edge-b); default: `topics`. */
        fractionTopics: z.array(z.string().min(1)).min(1).optional(),
        /** How the `chromium` share is laid out in the run's one browser. */
        chromium: z
          .strictObject({
            /**
             * EventSources per browser context (one "user": its own connections, a renderer process).
             * Default: 6 over HTTP/1.1 (Chromium's per-origin cap, so every one streams), 100 over
             * HTTP/2 (one connection per context multiplexes them all). More than 6 over HTTP/1.1
             * reproduces the cap on purpose.
             */
            perContext: int('a whole number of EventSources per browser context').min(1).optional(),
          })
          .prefault({}),
      })
      .prefault({}),
    faults: z.array(faultSchema).default([]),
    /** Capabilities the target must have beyond those the faults imply (see CAPABILITIES). */
    needs: z.array(z.enum(CAPABILITIES)).default([]),
    /** SLO overrides for this scenario (precedence: harness/slo/resolve.ts). */
    slos: sloOverridesSchema.default({}),
    expect: z
      .union([z.literal('pass'), z.strictObject({ violates: z.array(sloName).min(1) })], {
        error: "expected 'pass' or { violates: ['slo-name', ...] }",
      })
      .default('pass'),
    /** Upper bound on the drain after the workload (subscribers catching up). */
    drainMs: nonNegative().default(D.drainMs),
    /** Extra ms between the fleet being connected and the workload start. */
    settleMs: nonNegative().default(D.settleMs),
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
      // An instance's origin leg takes the faults of `origin`.
      const kind = /^origin-\d+$/.test(leg) ? 'origin' : leg;
      if (def.legs.length ? !def.legs.includes(kind) : explicit) {
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
    if (s.faults.filter((f) => f.duration === PAST_RETENTION).length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `at most one fault can last "${PAST_RETENTION}"`,
        path: ['faults'],
      });
    }
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioSpec = z.output<typeof scenarioSchema>;
export type ScenarioFault = ScenarioSpec['faults'][number];

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
