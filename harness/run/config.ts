/**
 * The project config file (`sse-chaos.config.ts`, typed with `defineConfig`): defaults a team
 * commits once instead of repeating flags, e.g. SLO thresholds for their latency budget, their own
 * target, extra scenarios. Command-line flags override it.
 *
 * It is loaded with jiti, so it may be TypeScript or JavaScript, ESM or CommonJS (`.ts`, `.mts`,
 * `.cts`, `.js`, `.mjs`, `.cjs`) whatever the project's package type, with no loader installed by
 * the user; its `import ... from 'sse-chaos'` gets the very module instance the CLI runs.
 */
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { createJiti } from 'jiti';
import { z } from 'zod';
import { TopologyConfigError } from '../topology/errors.ts';
import { PROXY_KINDS, type ProxyKind } from '../topology/proxy-kind.ts';
import {
  loadTargetFile,
  targetSpecSchema,
  zooTarget,
  type TargetSpec,
  type TargetSpecInput,
} from '../topology/target.ts';
import { callerFile } from './caller-file.ts';
import { ScenarioConfigError } from './config-error.ts';
import { sloOverridesSchema, type Scenario } from './scenario.ts';
import type { SloOverrides } from '../slo/resolve.ts';
import { formatIssues } from './zod-errors.ts';

export interface ConfigInput {
  /**
   * SLO overrides by SLO name for every scenario: a threshold, or `{ threshold?, comparator?,
   * enabled?, required? }`. Precedence: defaults < this < a scenario's own < --slo.
   */
  slos?: SloOverrides;
  /** Proxy profile for every scenario (like --profile). */
  profile?: string;
  /** The proxy, or several for a matrix run (like --proxy): nginx (default), haproxy, caddy. */
  proxy?: ProxyKind | ProxyKind[];
  /** Your own nginx config (like --nginx-config), relative to this file: it replaces the `good` profile. */
  nginx?: { config: string };
  /** Your own haproxy.cfg (like --haproxy-config), relative to this file. */
  haproxy?: { config: string };
  /** Your own Caddyfile (like --caddy-config), relative to this file. */
  caddy?: { config: string };
  /**
   * The target for every scenario (like --target): a spec, the path of a JSON target file relative
   * to this config file, or `zoo:NAME`.
   */
  target?: TargetSpecInput | string;
  /** Scenarios added to the built-in suite (from defineScenario). */
  scenarios?: Scenario[];
  /** Replace the default suite by only these built-in scenario names. */
  only?: string[];
  /** Run this suite instead of `user` (see `sse-chaos --list`). */
  suite?: string;
  /** Output folder (like --out). */
  out?: string;
  seed?: number;
}

const configSchema = z.strictObject({
  slos: sloOverridesSchema.optional(),
  profile: z.string().min(1).optional(),
  proxy: z.union([z.enum(PROXY_KINDS), z.array(z.enum(PROXY_KINDS)).min(1)]).optional(),
  nginx: z.strictObject({ config: z.string().min(1) }).optional(),
  haproxy: z.strictObject({ config: z.string().min(1) }).optional(),
  caddy: z.strictObject({ config: z.string().min(1) }).optional(),
  target: z.union([z.string().min(1), targetSpecSchema]).optional(),
  scenarios: z
    .array(
      z.custom<Scenario>((v) => typeof v === 'object' && v !== null && 'name' in v && 'source' in v, {
        error: 'expected a scenario made with defineScenario',
      }),
    )
    .optional(),
  only: z.array(z.string()).optional(),
  suite: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  seed: z.number().int().optional(),
});

export type Config = z.output<typeof configSchema> & { source: string };

export function defineConfig(input: ConfigInput): Config {
  const source = callerFile() ?? 'sse-chaos.config.ts';
  return parseConfig(input, source);
}

export function parseConfig(input: unknown, source: string): Config {
  const r = configSchema.safeParse(input);
  if (!r.success) throw new ScenarioConfigError(formatIssues(source, r.error.issues));
  return { ...r.data, source };
}

/** The names looked for in the working directory, in this order. */
export const CONFIG_FILES = [
  'sse-chaos.config.ts',
  'sse-chaos.config.mts',
  'sse-chaos.config.cts',
  'sse-chaos.config.js',
  'sse-chaos.config.mjs',
  'sse-chaos.config.cjs',
] as const;

export const DEFAULT_CONFIG_FILE = CONFIG_FILES[0];

/** The first of CONFIG_FILES present in `dir`, or undefined. */
export function findConfigFile(dir = process.cwd()): string | undefined {
  return CONFIG_FILES.map((name) => resolve(dir, name)).find((path) => existsSync(path));
}

async function importConfig(path: string, shown: string): Promise<unknown> {
  // fsCache off: no transpile cache left behind in node_modules/.cache or the temp dir.
  const jiti = createJiti(import.meta.url, { fsCache: false, moduleCache: false });
  let mod: unknown;
  try {
    mod = await jiti.import(path);
  } catch (err) {
    if (err instanceof ScenarioConfigError || err instanceof TopologyConfigError) throw err;
    throw new ScenarioConfigError(`cannot load config file ${shown}: ${(err as Error).message}`);
  }
  const m = (mod ?? {}) as Record<string, unknown>;
  // A CommonJS `exports.config = ...` also shows up as `default.config` (jiti's interop default).
  const cjsNamed =
    m.config !== undefined && (m.default as Record<string, unknown> | undefined)?.config === m.config;
  const value = cjsNamed ? m.config : (m.default ?? m.config);
  if (value === undefined) {
    throw new ScenarioConfigError(
      `config file ${shown} has no default export (use export default defineConfig({...}), or module.exports = defineConfig({...}))`,
    );
  }
  return value;
}

/** A `target` given as a file path (relative to the config file) or `zoo:NAME`, as a spec; proxy config paths made absolute. */
async function resolveTarget(config: Config, configDir: string): Promise<Config> {
  for (const kind of PROXY_KINDS) {
    const own = config[kind];
    if (own) config = { ...config, [kind]: { config: resolve(configDir, own.config) } };
  }
  if (typeof config.target !== 'string') return config;
  const spec: TargetSpec =
    zooTarget(config.target) ?? (await loadTargetFile(resolve(configDir, config.target)));
  return { ...config, target: spec };
}

/**
 * Loads a config file (its default export, or a `config` export). With no explicit path, the first
 * of CONFIG_FILES in the working directory, and none means "no config"; an explicit path that is
 * missing is an error.
 */
export async function loadConfig(file?: string): Promise<Config | undefined> {
  const path = file ? resolve(file) : findConfigFile();
  if (!path || !existsSync(path)) {
    if (file) throw new ScenarioConfigError(`config file ${file} does not exist`);
    return undefined;
  }
  const shown = file ?? (relative(process.cwd(), path) || path);
  const value = await importConfig(path, shown);
  const c = value as Partial<Config>;
  const config = typeof c.source === 'string' ? (value as Config) : parseConfig(value, shown);
  return resolveTarget(config, dirname(path));
}
