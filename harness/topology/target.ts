/**
 * The target: the SSE server under test. The reference server (default), a member of the defect zoo
 * (the reference server with one deliberate defect), a user's server started by a command, or one
 * already running at a URL. The spec says how to stream from it, how to publish to it, where the
 * acknowledged id is in the publish response (ids are opaque strings), and what the target
 * *declares* about itself: what the harness cannot know and must not assume.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { TopologyConfigError } from './errors.ts';

const positiveInt = z.number().int().positive();
/** The most instances of one target a stack starts (each a Node process and a toxiproxy leg). */
export const MAX_INSTANCES = 8;
const path = z.string().startsWith('/', { message: 'must start with "/"' });

/**
 * Options of the reference server (and of the zoo members, which take the same flags); each maps to
 * its `--kebab-case` flag. The one declaration of them on the harness side: scenarios use it for
 * `topology.server`, target specs for `options` (the server itself, standalone, has its own).
 */
export const referenceOptionsSchema = z.strictObject({
  heartbeatMs: positiveInt.optional(),
  retryMs: positiveInt.optional(),
  retryJitterMs: z.number().int().nonnegative().optional(),
  /** `redis`: a Redis stream every instance shares (sse-chaos starts redis-server for it). */
  log: z.enum(['memory', 'file', 'redis']).optional(),
  /** How many events the replay log keeps. */
  logRetention: positiveInt.optional(),
  graceMs: z.number().int().nonnegative().optional(),
  publishToken: z.string().min(1).optional(),
  /** A Redis command not answered within this fails (the server's --redis-timeout-ms). */
  redisTimeoutMs: positiveInt.optional(),
  /**
   * Harness-side, not a flag: how many instances of the server run behind the proxy, each its own
   * process on its own origin leg (default 1). More than one needs `log: 'redis'`, the log they share.
   */
  instances: z.number().int().min(1).max(MAX_INSTANCES).optional(),
  /**
   * Harness-side, not a flag: how the stack's redis-server keeps its data. `none` (default: `--save ''
   * --appendonly no`, a restart loses the log) or `aof-always` (`--appendonly yes --appendfsync
   * always`: everything Redis confirmed survives a restart).
   */
  redisPersistence: z.enum(['none', 'aof-always']).optional(),
  /** More flags passed verbatim (for options added after this schema). */
  extraArgs: z.array(z.string()).optional(),
});

/**
 * What a target declares about itself, because the harness cannot know it and must not assume it.
 * Judgements follow declarations (heartbeat silence against the declared cadence, resets against
 * the declared retention), and scenarios that need a declaration the target lacks are skipped.
 */
export const declarationsSchema = z.strictObject({
  /** The heartbeat (SSE comment) interval on every stream, ms. Required: silence is judged against it. */
  heartbeatMs: positiveInt,
  /** The `retry:` hint it sends: a base and the width of its per-connection jitter, ms. */
  retry: z
    .strictObject({ baseMs: z.number().int().nonnegative(), jitterMs: z.number().int().nonnegative() })
    .optional(),
  /** How much it keeps for Last-Event-ID replay: events, time, or both. */
  retention: z
    .strictObject({ events: positiveInt.optional(), ms: positiveInt.optional() })
    .refine((r) => r.events !== undefined || r.ms !== undefined, { message: 'give events, ms, or both' })
    .optional(),
  /** Acknowledged events survive a crash (a durable log). Default false. */
  durable: z.boolean().default(false),
  /** After SIGTERM, every stream ends within this long, ms. */
  shutdownGraceMs: positiveInt.optional(),
});

/**
 * Where the acknowledged id is in the publish answer: a dot path into a JSON body (`id`,
 * `result.eventId`, `items.0.id`), a regex over a text body (its first group, else the whole match),
 * a response header, or the status alone (2xx), when the id is ours: the template carries `{{id}}`.
 */
export const ackSchema = z.discriminatedUnion('from', [
  z.strictObject({ from: z.literal('json'), path: z.string().min(1) }),
  z.strictObject({
    from: z.literal('text'),
    regex: z.string().refine(
      (r) => {
        try {
          new RegExp(r);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not a valid regular expression' },
    ),
  }),
  z.strictObject({ from: z.literal('header'), name: z.string().min(1) }),
  z.strictObject({ from: z.literal('status') }),
]);

/** Whether a template (any JSON value) or the headers carry `{{id}}`. */
const carriesId = (v: unknown): boolean => JSON.stringify(v ?? '').includes('{{id}}');

/**
 * How to publish one event. `bodyTemplate` is a JSON value (an object, an array of items, or a
 * string) in which `{{topic}}`, `{{event}}`, `{{data}}` and `{{id}}` (an id the harness makes, see
 * `idFormat`) are substituted; a JSON leaf that is exactly `"{{event}}"` is dropped when the event
 * has no type. `encoding` is how the body is sent: `json` (default for objects and arrays), `form`
 * (application/x-www-form-urlencoded from an object's fields) or `text` (a string template, as is).
 * The acknowledged id is read as `ack` says; `idPath` is the short form of `{ from: 'json', path }`.
 */
export const publishSchema = z
  .strictObject({
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
    path: path.optional(),
    url: z.url().optional(),
    headers: z.record(z.string(), z.string()).default({}),
    bodyTemplate: z
      .unknown()
      .default({ topic: '{{topic}}', event: '{{event}}', data: '{{data}}' })
      .refine((v) => v !== undefined, 'required'),
    encoding: z.enum(['json', 'form', 'text']).optional(),
    idPath: z.string().min(1).default('id'),
    ack: ackSchema.optional(),
    /**
     * The format of a harness-made `{{id}}`: `{{uuid}}` (default), `{{seq}}` (1, 2, ... per run),
     * `{{time}}` (ms since the epoch), around any fixed text, e.g. `evt-{{seq}}`.
     */
    idFormat: z
      .string()
      .regex(/\{\{(uuid|seq)\}\}/, { message: 'must contain {{uuid}} or {{seq}} so every id is unique' })
      .default('{{uuid}}'),
  })
  .refine((p) => (p.path === undefined) !== (p.url === undefined), {
    message: 'give exactly one of "path" (relative to the target) or "url" (absolute)',
    path: ['path'],
  })
  .refine((p) => p.ack?.from !== 'status' || carriesId(p.bodyTemplate) || carriesId(p.headers), {
    message: 'an acknowledgement by status alone needs an id of ours: put {{id}} in bodyTemplate or headers',
    path: ['ack'],
  })
  .refine(
    (p) => p.encoding !== 'form' || (typeof p.bodyTemplate === 'object' && !Array.isArray(p.bodyTemplate)),
    {
      message: 'a form body needs an object bodyTemplate (its fields become the form fields)',
      path: ['encoding'],
    },
  )
  .refine((p) => p.encoding !== 'text' || typeof p.bodyTemplate === 'string', {
    message: 'a text body needs a string bodyTemplate',
    path: ['encoding'],
  });

/** A shell command line (run with `sh -c`) or an argv. */
const commandLine = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** One control command: a command line, or one with its own timeout. */
const controlCommand = z.union([
  commandLine,
  z.strictObject({ command: commandLine, timeoutMs: positiveInt.optional() }),
]);

/**
 * How to stop and start a target sse-chaos did not start (a URL target): `docker stop`/`docker start`,
 * `systemctl stop`/`start`, or one `restart` (`docker restart`, `systemctl restart`, `kubectl rollout
 * restart ...`). Each command must return once its work is done (the server stopped, or started);
 * then the target's readyPath is polled until it answers. `stop` is the graceful stop (a deploy),
 * `kill` the crash (e.g. `docker kill -s KILL`). With them, scenarios that stop the target run
 * against it; without them they are skipped.
 */
export const controlSchema = z
  .strictObject({
    stop: controlCommand.optional(),
    kill: controlCommand.optional(),
    start: controlCommand.optional(),
    restart: controlCommand.optional(),
    /** The default timeout of each command, ms. */
    timeoutMs: positiveInt.default(30_000),
  })
  .refine((c) => c.restart !== undefined || c.start !== undefined, {
    message: 'give "start" (after "stop" or "kill") or "restart"',
  })
  .refine((c) => c.restart !== undefined || c.stop !== undefined || c.kill !== undefined, {
    message: 'give "stop" or "kill" with "start", or "restart"',
  });

/** The options of a started reference server or zoo member: several instances share a Redis log. */
const startedOptionsSchema = referenceOptionsSchema
  .refine((o) => (o.instances ?? 1) === 1 || o.log === 'redis', {
    message: "several instances need log: 'redis' (memory and file logs belong to one process)",
    path: ['instances'],
  })
  .refine((o) => o.redisPersistence === undefined || o.log === 'redis', {
    message: "redisPersistence applies to log: 'redis' only",
    path: ['redisPersistence'],
  });

export const targetSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('reference'), options: startedOptionsSchema.default({}) }),
  z.strictObject({
    kind: z.literal('zoo'),
    /** The defect (a member name of zoo/catalog.ts). */
    defect: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected a zoo member name' }),
    options: startedOptionsSchema.default({}),
  }),
  z.strictObject({
    kind: z.literal('command'),
    /**
     * argv; `{port}` is replaced by the chosen port (also exported as env PORT) and `{host}` by the
     * address to listen on (env HOST: 127.0.0.1, or a network namespace's own for faults below TCP).
     */
    command: z.array(z.string()).min(1, 'must hold at least the program'),
    /** Fixed port; default: a free loopback port chosen by the OS. */
    port: z.number().int().min(1).max(65535).optional(),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).default({}),
    /** Polled until it answers below 500. */
    readyPath: path.default('/'),
    /** How long the target may take to answer readyPath after a start, ms (default 20000). */
    readyTimeoutMs: positiveInt.optional(),
    streamPath: path,
    metricsPath: path.default('/metrics'),
    publish: publishSchema,
    /** Required to plan a run (harness/run/plan.ts); the stack itself does not need it. */
    declares: declarationsSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('url'),
    baseUrl: z.url(),
    readyPath: path.optional(),
    /** How long the target may take to answer readyPath, at the start and after a restart, ms (default 10000). */
    readyTimeoutMs: positiveInt.optional(),
    /** Commands that stop and start it, so scenarios that restart the target can run. */
    control: controlSchema.optional(),
    streamPath: path,
    metricsPath: path.default('/metrics'),
    publish: publishSchema,
    /** Required to plan a run (harness/run/plan.ts); the stack itself does not need it. */
    declares: declarationsSchema.optional(),
  }),
]);

export type TargetSpecInput = z.input<typeof targetSpecSchema>;
export type TargetSpec = z.output<typeof targetSpecSchema>;
export type PublishSpec = z.output<typeof publishSchema>;
export type ReferenceOptions = z.output<typeof referenceOptionsSchema>;
export type Declarations = z.output<typeof declarationsSchema>;
export type ControlSpec = z.output<typeof controlSchema>;
export type ControlCommand = NonNullable<ControlSpec['stop']>;

/** What the target's control offers: a graceful stop and start, and a crash and start. */
export function controlOffers(spec: TargetSpec): { restart: boolean; crash: boolean } {
  if (spec.kind !== 'url') return { restart: true, crash: true };
  const c = spec.control;
  if (!c) return { restart: false, crash: false };
  const starts = c.start !== undefined || c.restart !== undefined;
  return {
    restart: c.restart !== undefined || (c.stop !== undefined && starts),
    crash: c.kill !== undefined && starts,
  };
}

/** The default target: the reference server with its defaults. */
export const referenceTarget: TargetSpec = { kind: 'reference', options: {} };

/** `zoo:NAME` (the command-line shorthand for a zoo member) as a spec. */
export function zooTarget(shorthand: string): TargetSpec | undefined {
  const m = /^zoo:(.+)$/.exec(shorthand);
  return m ? { kind: 'zoo', defect: m[1]!, options: {} } : undefined;
}

/**
 * What a reference (or zoo) server started with these options declares: exactly what its flags
 * promise. The server's own flag defaults are not assumed: the plan always passes these explicitly.
 */
export function referenceDeclarations(o: ReferenceOptions): Declarations {
  if (o.heartbeatMs === undefined)
    throw new Error('reference options without heartbeatMs: the plan must pass it');
  return {
    heartbeatMs: o.heartbeatMs,
    ...(o.retryMs !== undefined ? { retry: { baseMs: o.retryMs, jitterMs: o.retryJitterMs ?? 0 } } : {}),
    ...(o.logRetention !== undefined ? { retention: { events: o.logRetention } } : {}),
    // A Redis log outlives every instance (a crashed instance loses nothing); Redis itself is the
    // stack's, and a scenario that restarts it runs it with persistence (the plan insists).
    durable: o.log === 'file' || o.log === 'redis',
    ...(o.graceMs !== undefined ? { shutdownGraceMs: o.graceMs } : {}),
  };
}

/** A target's declarations: from its flags (reference, zoo) or from its spec. */
export function declarationsOf(spec: TargetSpec): Declarations {
  if (spec.kind === 'reference' || spec.kind === 'zoo') return referenceDeclarations(spec.options);
  if (!spec.declares) {
    throw new TopologyConfigError(
      `the ${spec.kind} target has no "declares": give at least "declares": { "heartbeatMs": N } (the interval ` +
        'your server sends SSE comment heartbeats at; silence is judged against it), and where you can ' +
        '"retry" { baseMs, jitterMs }, "retention" { events or ms }, "durable" and "shutdownGraceMs": what is not ' +
        'declared is not assumed, and scenarios that need it are skipped',
    );
  }
  return spec.declares;
}

/** Validates a target spec; the error names every bad field. */
export function parseTarget(input: unknown, source = 'target'): TargetSpec {
  const result = targetSpecSchema.safeParse(input);
  if (!result.success) throw new TopologyConfigError(`invalid ${source}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Reads and validates a target spec from a JSON file (`--target FILE`). */
export async function loadTargetFile(file: string): Promise<TargetSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TopologyConfigError(`cannot read target file ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TopologyConfigError(`target file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseTarget(json, `target file ${file}`);
}

/** Paths and publish recipe of a target, the reference server's filled in. */
export interface TargetEndpoints {
  streamPath: string;
  readyPath: string | undefined;
  metricsPath: string;
  publish: PublishSpec;
}

export function targetEndpoints(spec: TargetSpec): TargetEndpoints {
  if (spec.kind === 'reference' || spec.kind === 'zoo') {
    const token = spec.options.publishToken;
    return {
      streamPath: '/events',
      readyPath: '/readyz',
      metricsPath: '/metrics',
      publish: {
        method: 'POST',
        path: '/publish',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        bodyTemplate: { topic: '{{topic}}', event: '{{event}}', data: '{{data}}' },
        idPath: 'id',
        idFormat: '{{uuid}}',
      },
    };
  }
  return {
    streamPath: spec.streamPath,
    readyPath: spec.readyPath,
    metricsPath: spec.metricsPath,
    publish: spec.publish,
  };
}

export interface PublishMessage {
  topic: string;
  event?: string;
  data: string;
  /** The harness-made id for `{{id}}` (see publish-contract.ts). */
  id?: string;
}

export interface PublishRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const DROP = Symbol('drop');

function fillText(text: string, msg: PublishMessage): string {
  return text.replace(
    /\{\{(topic|event|data|id)\}\}/g,
    (_m, key: 'topic' | 'event' | 'data' | 'id') => msg[key] ?? '',
  );
}

function fill(template: unknown, msg: PublishMessage): unknown {
  if (typeof template === 'string') {
    if (template === '{{event}}' && msg.event === undefined) return DROP;
    return fillText(template, msg);
  }
  if (Array.isArray(template)) return template.map((v) => fill(v, msg)).filter((v) => v !== DROP);
  if (template && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) {
      const filled = fill(v, msg);
      if (filled !== DROP) out[k] = filled;
    }
    return out;
  }
  return template;
}

/** The body encoding: the spec's, else json for objects and arrays and text for a string template. */
export function encodingOf(publish: PublishSpec): 'json' | 'form' | 'text' {
  return publish.encoding ?? (typeof publish.bodyTemplate === 'string' ? 'text' : 'json');
}

/** The HTTP request that publishes `msg` to the target at `baseUrl` (pure). */
export function buildPublishRequest(spec: TargetSpec, baseUrl: string, msg: PublishMessage): PublishRequest {
  const { publish } = targetEndpoints(spec);
  const url = publish.url ?? new URL(publish.path ?? '/', baseUrl).toString();
  const encoding = encodingOf(publish);
  const filled = fill(publish.bodyTemplate, msg);
  const headers: Record<string, string> = {};
  if (encoding === 'json') headers['content-type'] = 'application/json';
  if (encoding === 'form') headers['content-type'] = 'application/x-www-form-urlencoded';
  for (const [k, v] of Object.entries(publish.headers)) headers[k.toLowerCase()] = fillText(v, msg);
  let body: string;
  if (encoding === 'json') body = JSON.stringify(filled);
  else if (encoding === 'form') {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(filled as Record<string, unknown>))
      form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    body = form.toString();
  } else body = String(filled);
  return { method: publish.method, url, headers, body };
}

/** The acknowledged event id from a JSON publish response at `idPath`, as an opaque string. */
export function extractAckId(spec: TargetSpec, response: unknown): string {
  const { idPath } = targetEndpoints(spec).publish;
  return jsonAck(idPath, response);
}

/** The id at a dot path of a JSON value; throws naming the path and showing the value. */
export function jsonAck(idPath: string, response: unknown): string {
  let node: unknown = response;
  for (const key of idPath.split('.')) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  if (typeof node === 'string' && node.length > 0) return node;
  if (typeof node === 'number' && Number.isFinite(node)) return String(node);
  const shown = JSON.stringify(response)?.slice(0, 200) ?? String(response);
  throw new TopologyConfigError(
    `publish response has no id at "${idPath}" (expected a non-empty string or a number): ${shown}`,
  );
}
