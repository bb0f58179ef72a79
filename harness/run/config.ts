/**
 * The project config file (`sse-chaos.config.ts`, typed with `defineConfig`): defaults a team
 * commits once instead of repeating flags, e.g. SLO thresholds for their latency budget, their own
 * target, extra scenarios. Command-line flags override it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { targetSpecSchema, type TargetSpecInput } from '../topology/target.ts';
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
  /** nginx profile for every scenario (like --profile). */
  profile?: string;
  /** The target for every scenario (like --target). */
  target?: TargetSpecInput;
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
  target: targetSpecSchema.optional(),
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

export const DEFAULT_CONFIG_FILE = 'sse-chaos.config.ts';

/**
 * Loads a config file (its default export, or a `config` export). With no explicit path, a missing
 * ./sse-chaos.config.ts means "no config"; an explicit path that is missing is an error.
 */
export async function loadConfig(file?: string): Promise<Config | undefined> {
  const path = resolve(file ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(path)) {
    if (file) throw new ScenarioConfigError(`config file ${file} does not exist`);
    return undefined;
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ScenarioConfigError) throw err;
    throw new ScenarioConfigError(
      `cannot load config file ${file ?? DEFAULT_CONFIG_FILE}: ${(err as Error).message}`,
    );
  }
  const value = mod.default ?? mod.config;
  if (value === undefined) {
    throw new ScenarioConfigError(
      `config file ${file ?? DEFAULT_CONFIG_FILE} has no default export (use export default defineConfig({...}))`,
    );
  }
  const c = value as Partial<Config>;
  return typeof c.source === 'string' ? (value as Config) : parseConfig(value, file ?? DEFAULT_CONFIG_FILE);
}
