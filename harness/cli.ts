/**
 * `sse-chaos`: run the scenario suite against real nginx + toxiproxy and judge it, re-render a
 * report from a results file, provision the binaries (`install`) or set a project up (`init`).
 * Exit codes are a contract (see HELP_AFTER in help.ts): 0 every verdict as expected, 1 an SLO
 * verdict not as expected, 2 usage/config error, 3 infrastructure error, 130 interrupted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ReportPaths } from '../reports/write.ts';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { allScenarios, suites } from '../scenarios/index.ts';
import { ScenarioConfigError } from './run/config-error.ts';
import { loadConfig, type Config } from './run/config.ts';
import { EXIT } from './run/exit-codes.ts';
import { linkLatest, timestampDir } from './run/out-dir.ts';
import { createProgress } from './run/progress.ts';
import type { Scenario } from './run/scenario.ts';
import { runSuite, toolVersion } from './run/suite.ts';
import { checkRunId, parseShard, runShard } from './run/shard-run.ts';
import { InfrastructureError, TopologyConfigError } from './topology/errors.ts';
import { PROXY_KINDS, parseProxyKind, type ProxyKind } from './topology/proxy-kind.ts';
import { isProxyProfile, listProxyProfiles, unknownProfile } from './topology/proxy-profiles.ts';
import { locateProxy, validateUserConfig } from './topology/proxy-syntax.ts';
import { loadUserConfig, type UserProxyConfig } from './topology/user-config.ts';
import { loadTargetFile, parseTarget, zooTarget, type TargetSpec } from './topology/target.ts';
import { parseRuntimeChoice, resolveRuntime } from './topology/runtime.ts';
import { locateToxiproxy } from './topology/binaries.ts';
import type { InitFlags } from './init/flags.ts';
import type { InstallFlags } from './install/command.ts';
import { HELP_AFTER } from './help.ts';

interface RunFlags {
  list?: boolean;
  scenario: string[];
  suite?: string;
  profile?: string;
  proxy: string[];
  nginxConfig?: string;
  haproxyConfig?: string;
  caddyConfig?: string;
  target?: string;
  out?: string;
  seed?: number;
  slo: Record<string, number>;
  config?: string;
  runtime?: string;
  shard?: string;
  runId?: string;
}

const collect = (value: string, prev: string[]) => [...prev, value];

function parseSlo(value: string, prev: Record<string, number>): Record<string, number> {
  const m = /^([^=]+)=(.+)$/.exec(value);
  const threshold = m ? Number(m[2]) : NaN;
  if (!m || !Number.isFinite(threshold)) {
    throw new InvalidArgumentError(
      `expected name=threshold with a number, e.g. latency-p99=500; got "${value}"`,
    );
  }
  return { ...prev, [m[1]!.trim()]: threshold };
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

function parseNonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected an integer >= 0, got "${value}"`);
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return n;
}

function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function indent(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** The suites with their members, the project's own scenarios joining the suite they run with. */
function suitesWith(config: Config | undefined): Record<string, readonly Scenario[]> {
  const own = config?.scenarios ?? [];
  return { ...suites, user: [...suites.user!, ...own] };
}

function listScenarios(config: Config | undefined, running: ReadonlySet<string>): void {
  const bySuite = suitesWith(config);
  const all = [...new Map([...allScenarios, ...(config?.scenarios ?? [])].map((s) => [s.name, s])).values()];
  const width = Math.max(...all.map((s) => s.name.length));
  writeOut('Scenarios (* = in this run; suites in brackets):');
  for (const s of all) {
    const expect =
      s.expect === 'pass' ? 'expects pass' : `expects violation of ${s.expect.violates.join(', ')}`;
    const member = Object.entries(bySuite)
      .filter(([, list]) => list.some((x) => x.name === s.name))
      .map(([name]) => name);
    writeOut(
      `${running.has(s.name) ? '*' : ' '} ${s.name.padEnd(width)}  [${member.join(', ')}] ${expect}; profile ` +
        `${s.topology.proxy ? `${s.topology.proxy} ` : ''}${s.topology.profile}`,
    );
    writeOut(`  ${' '.repeat(width)}  ${s.description}`);
  }
  writeOut('\nSuites (--suite): ' + Object.keys(bySuite).join(', ') + ' (default: user)');
  for (const kind of PROXY_KINDS) {
    writeOut(`\n${kind} profiles (--proxy ${kind} --profile NAME):`);
    for (const p of listProxyProfiles(kind)) {
      writeOut(`  ${p.name}: ${p.description}`);
      writeOut(`    symptom: ${p.symptom}`);
    }
  }
}

/**
 * The proxies of the run and the user's own configs: --proxy (repeatable) over the config file's
 * `proxy`; a config file given for a kind brings that kind in when no proxy is named. Every user
 * config is read and put through its proxy's syntax check here, before anything starts (exit 2).
 */
async function resolveProxies(
  flags: RunFlags,
  config: Config | undefined,
): Promise<{ proxies: ProxyKind[]; userConfigs: Partial<Record<ProxyKind, UserProxyConfig>> }> {
  const files: Partial<Record<ProxyKind, string>> = {
    ...(config?.nginx ? { nginx: config.nginx.config } : {}),
    ...(config?.haproxy ? { haproxy: config.haproxy.config } : {}),
    ...(config?.caddy ? { caddy: config.caddy.config } : {}),
    ...(flags.nginxConfig ? { nginx: flags.nginxConfig } : {}),
    ...(flags.haproxyConfig ? { haproxy: flags.haproxyConfig } : {}),
    ...(flags.caddyConfig ? { caddy: flags.caddyConfig } : {}),
  };
  const named = flags.proxy.length
    ? flags.proxy.map((p) => parseProxyKind(p, '--proxy'))
    : config?.proxy === undefined
      ? []
      : [config.proxy].flat();
  const withFiles = Object.keys(files) as ProxyKind[];
  const proxies = [...new Set(named.length ? named : withFiles.length ? withFiles : ['nginx' as const])];
  for (const kind of withFiles) {
    if (!proxies.includes(kind))
      throw new ScenarioConfigError(
        `a ${kind} config was given (--${kind}-config or "${kind}.config"), but the run's proxies are ${proxies.join(', ')}: add --proxy ${kind}`,
      );
  }
  const userConfigs: Partial<Record<ProxyKind, UserProxyConfig>> = {};
  for (const kind of withFiles) userConfigs[kind] = await loadUserConfig(kind, files[kind]!);
  return { proxies, userConfigs };
}

/** Picks the scenarios to run: --scenario names (any known), else --suite, else config.only / config.suite, else `user`. */
function selectScenarios(names: string[], suite: string | undefined, config: Config | undefined): Scenario[] {
  const known = new Map([...allScenarios, ...(config?.scenarios ?? [])].map((s) => [s.name, s]));
  const wanted = names.length ? names : suite === undefined ? config?.only : undefined;
  if (!wanted) {
    const name = suite ?? config?.suite ?? 'user';
    const list = suitesWith(config)[name];
    if (!list) {
      throw new ScenarioConfigError(
        `unknown suite "${name}"; known: ${Object.keys(suitesWith(config)).join(', ')}`,
      );
    }
    return [...list];
  }
  return wanted.map((n) => {
    const s = known.get(n);
    if (!s) throw new ScenarioConfigError(`unknown scenario "${n}"; known: ${[...known.keys()].join(', ')}`);
    return s;
  });
}

async function runCommand(flags: RunFlags): Promise<number> {
  const config = await loadConfig(flags.config);
  const scenarios = selectScenarios(flags.scenario, flags.suite, config);
  if (flags.list) {
    listScenarios(config, new Set(scenarios.map((s) => s.name)));
    return EXIT.ok;
  }
  const profile = flags.profile ?? config?.profile;
  const { proxies, userConfigs } = await resolveProxies(flags, config);
  if (profile !== undefined) {
    for (const kind of proxies)
      if (!isProxyProfile(kind, profile)) throw unknownProfile(kind, profile, '--profile');
    if (Object.keys(userConfigs).length)
      throw new ScenarioConfigError(
        '--profile and your own proxy config exclude each other: give one of them',
      );
  }
  let target: TargetSpec | undefined;
  if (flags.target) target = zooTarget(flags.target) ?? (await loadTargetFile(flags.target));
  else if (config?.target) target = parseTarget(config.target, `${config.source}: target`);
  const runtime = flags.runtime ? parseRuntimeChoice(flags.runtime) : undefined;
  // The local runtime's binaries are checked once, up front: a missing one fails in a second with
  // the command that provides it, not once per scenario.
  const choice = runtime ?? parseRuntimeChoice(process.env.SSE_CHAOS_RUNTIME);
  const resolvedRuntime = await resolveRuntime(choice);
  const usedKinds = new Set<ProxyKind>([
    ...proxies,
    ...scenarios.flatMap((s) => (s.topology.proxy ? [s.topology.proxy] : [])),
  ]);
  if (resolvedRuntime === 'local') {
    for (const kind of usedKinds) locateProxy(kind);
    await locateToxiproxy();
  }
  // The proxy's own syntax check on the user's configs: a bad one is exit 2, quoting the proxy.
  for (const cfg of Object.values(userConfigs)) await validateUserConfig(cfg);
  const outDir = resolve(flags.out ?? config?.out ?? timestampDir());
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  if (flags.runId !== undefined && !shard)
    throw new ScenarioConfigError('--run-id is for sharded runs: give --shard i/n too');
  const runId = shard ? checkRunId(flags.runId) : undefined;
  await mkdir(outDir, { recursive: true });

  const abort = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`\n${sig} again: exiting now.\n`);
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(`\n${sig}: stopping the current scenario and writing what was measured...\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Asked for containers: the run brings the engine when none answers, and stops what it started.
  const engine = choice === 'containers' ? await containersEngine() : undefined;
  const progress = createProgress();
  const common = {
    ...(profile ? { profile } : {}),
    ...(target ? { target } : {}),
    ...(runtime && runtime !== 'auto' ? { runtime } : {}),
    seed: flags.seed ?? config?.seed ?? 1,
    configSlos: config?.slos ?? {},
    cliSlos: flags.slo,
    signal: abort.signal,
  };
  try {
    if (shard && runId) {
      const outcome = await runShard(scenarios, {
        ...common,
        shard,
        runId,
        out: outDir,
        onPhase: (phase) => progress({ type: 'phase', name: `shard ${shard.index}/${shard.of}`, phase }),
      });
      progress.close();
      for (const s of outcome.skipped) writeOut(`${s.name}: skipped, ${s.reason}`);
      writeOut(
        `\nshard ${shard.index}/${shard.of} of run ${runId}: recorded ${outcome.written.length} scenario(s) in ${outDir}\n` +
          `judge the run with: sse-chaos merge <every shard's folder> --out DIR`,
      );
      if (outcome.interrupted) return EXIT.interrupted;
      return outcome.infrastructureError ? EXIT.infrastructure : EXIT.ok;
    }
    const outcome = await runSuite(scenarios, { ...common, proxies, userConfigs, onProgress: progress });
    progress.close();
    await writeFile(join(outDir, 'results.json'), `${JSON.stringify(outcome.results, null, 2)}\n`);
    try {
      const { writeReports } = await import('../reports/write.ts');
      await writeReports(outcome.results, outDir);
    } catch (err) {
      process.stderr.write(
        `warning: rendering the reports failed (results.json is written): ${(err as Error).message}\n`,
      );
    }
    const latest = flags.out ? undefined : await linkLatest(outDir).catch(() => undefined);
    const s = outcome.results.summary;
    writeOut(
      `\n${s.asExpected}/${s.total} scenarios as expected` +
        (s.unexpected ? `, ${s.unexpected} NOT as expected` : '') +
        (s.errors ? `, ${s.errors} infrastructure error(s)` : '') +
        (s.skipped ? `, ${s.skipped} skipped` : '') +
        ` in ${(outcome.results.durationMs / 1000).toFixed(1)} s`,
    );
    for (const r of outcome.results.scenarios.filter((r) => r.verdict === 'skipped')) {
      writeOut(`\n${r.name}: skipped, ${r.skipped?.reason ?? ''}`);
    }
    for (const r of outcome.results.scenarios.filter((r) => !r.asExpected)) {
      writeOut(`\n${r.name}: ${r.verdict}`);
      // The whole error: its first line is the cause, the rest the component's last output lines.
      if (r.error) writeOut(indent(r.error, '  '));
      for (const slo of r.slos) {
        const wantedFail = r.expected !== 'pass' && r.expected.includes(slo.name);
        if (slo.pass === !wantedFail) continue;
        writeOut(
          `  ${slo.name}: measured ${slo.measured ?? 'n/a'}${slo.unit} ${slo.comparator} ${slo.threshold}${slo.unit} ` +
            `${slo.pass ? 'passed, but a violation was expected' : 'VIOLATED'}`,
        );
        if (slo.diagnosis) writeOut(`    ${slo.diagnosis}`);
      }
      for (const c of r.modelCheck?.comparisons ?? []) {
        if (c.outcome !== 'disagree' || c.known !== undefined) continue;
        writeOut(
          `  model check ${c.slo}: the browser model ${c.model} (measured ${c.modelMeasured ?? 'n/a'}), ` +
            `real Chromium ${c.reality} (measured ${c.realityMeasured ?? 'n/a'}): the model is wrong here`,
        );
      }
    }
    writeOut(`\nReport: ${join(outDir, 'report.html')}${latest ? ` (also ${latest})` : ''}`);
    if (outcome.interrupted) return EXIT.interrupted;
    if (outcome.infrastructureError || s.errors) return EXIT.infrastructure;
    return s.unexpected ? EXIT.unexpected : EXIT.ok;
  } finally {
    progress.close();
    await engine?.stop().catch((err: Error) => process.stderr.write(`sse-chaos: ${err.message}\n`));
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** testcontainers first (its install command beats starting an engine), then the run's engine. */
async function containersEngine(): Promise<{ stop(): Promise<void> } | undefined> {
  const { loadTestcontainers } = await import('./topology/containers/testcontainers-env.ts');
  await loadTestcontainers();
  const { engineForRun } = await import('./topology/containers/run-engine.ts');
  try {
    return await engineForRun((line) => process.stderr.write(`sse-chaos: ${line}\n`));
  } catch (err) {
    throw new InfrastructureError(
      'docker',
      `the containers runtime needs an engine: ${(err as Error).message}`,
    );
  }
}

async function zooCommand(flags: { member: string[]; out?: string; seed?: number }): Promise<number> {
  const { runZoo } = await import('./zoo/run.ts');
  const { writeReports } = await import('../reports/write.ts');
  const out = resolve(flags.out ?? join('reports', 'out', 'zoo'));
  await mkdir(out, { recursive: true });
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress();
  try {
    const outcome = await runZoo({
      out,
      ...(flags.member.length ? { members: flags.member } : {}),
      seed: flags.seed ?? 1,
      signal: abort.signal,
      onProgress: (label, ev) => {
        if (ev.type === 'scenario-start' && ev.index === 0) {
          progress.close();
          process.stderr.write(`== ${label === 'reference' ? 'reference server' : `zoo member ${label}`}\n`);
        }
        progress(ev);
      },
      writeReports,
    });
    progress.close();
    const v = outcome.verdict;
    writeOut(
      `\nDefect zoo: ${v.caught}/${v.total} defects caught, ${v.referenceFindings.length} false alarm(s) on the reference server`,
    );
    for (const m of v.members.filter((x) => !x.caught)) {
      for (const c of m.catches.filter((x) => !x.flagged || !x.namesCause)) {
        writeOut(
          `  ${m.member}: ${c.scenario} ${c.slo} ${c.flagged ? 'flagged without naming the cause' : `not flagged (${c.verdict})`}` +
            (c.diagnosis ? `\n    ${c.diagnosis}` : ''),
        );
      }
    }
    for (const f of v.referenceFindings)
      writeOut(`  reference: ${f.scenario} ${f.verdict} ${f.failed.join(', ')}`);
    writeOut(`Zoo report: ${join(out, 'zoo.md')}`);
    if (outcome.interrupted) return EXIT.interrupted;
    if (outcome.infrastructureError) return EXIT.infrastructure;
    return v.pass ? EXIT.ok : EXIT.unexpected;
  } finally {
    progress.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function compareCommand(leftPath: string, rightPaths: string[]): Promise<number> {
  const { readResults } = await import('./results/schema.ts');
  const { compareRuns } = await import('./run/compare.ts');
  const left = await readResults(leftPath);
  let merged = { ...left, scenarios: [] as typeof left.scenarios };
  for (const p of rightPaths) {
    const r = await readResults(p);
    merged = { ...merged, scenarios: [...merged.scenarios, ...r.scenarios] };
  }
  const { compared, disagreements } = compareRuns(left, merged);
  for (const d of disagreements) writeOut(`${d.scenario}: ${d.left}  <>  ${d.right}`);
  writeOut(`${compared} scenarios compared, ${disagreements.length} disagreement(s)`);
  if (compared === 0) return EXIT.usage;
  return disagreements.length ? EXIT.unexpected : EXIT.ok;
}

async function mergeCommand(
  dirs: string[],
  flags: { out?: string; config?: string; slo: Record<string, number> },
): Promise<number> {
  const config = await loadConfig(flags.config);
  const { mergeShards } = await import('./run/merge.ts');
  const known = new Map([...allScenarios, ...(config?.scenarios ?? [])].map((s) => [s.name, s]));
  const outcome = await mergeShards(dirs, { scenarios: known, cliSlos: flags.slo });
  const outDir = resolve(flags.out ?? timestampDir());
  await mkdir(outDir, { recursive: true });
  const { writeReports } = await import('../reports/write.ts');
  await writeReports(outcome.results, outDir);
  const s = outcome.results.summary;
  writeOut(
    `merged ${dirs.length} folder(s): ${s.asExpected}/${s.total} scenarios as expected` +
      (s.unexpected ? `, ${s.unexpected} NOT as expected` : '') +
      (s.errors ? `, ${s.errors} infrastructure error(s)` : ''),
  );
  for (const r of outcome.results.scenarios.filter((x) => !x.asExpected)) {
    writeOut(`\n${r.name}: ${r.verdict}`);
    if (r.error) writeOut(indent(r.error, '  '));
    for (const slo of r.slos.filter((x) => !x.pass))
      writeOut(
        `  ${slo.name}: measured ${slo.measured ?? 'n/a'}${slo.unit} ${slo.comparator} ${slo.threshold}${slo.unit} VIOLATED`,
      );
  }
  writeOut(`\nReport: ${join(outDir, 'report.html')}`);
  if (outcome.infrastructureError || s.errors) return EXIT.infrastructure;
  return s.unexpected ? EXIT.unexpected : EXIT.ok;
}

async function reportCommand(resultsPath: string, flags: { out?: string }): Promise<number> {
  const { reportCommand: render } = await import('../reports/cli-report.ts');
  let paths: ReportPaths;
  try {
    ({ paths } = await render(resultsPath, flags.out));
  } catch (err) {
    // A missing, non-JSON or wrong-shaped results file is bad input, not an infrastructure failure.
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  for (const path of Object.values(paths)) writeOut(path);
  return EXIT.ok;
}

export function buildProgram(setCode: (code: number) => void): Command {
  const program = new Command('sse-chaos')
    .description(
      'Chaos-test Server-Sent Events behind real nginx, HAProxy or Caddy and toxiproxy, judged against SLOs.',
    )
    .version(toolVersion())
    .exitOverride()
    .enablePositionalOptions()
    .showHelpAfterError('(run sse-chaos --help for usage)')
    .addHelpText('after', HELP_AFTER);
  const runOptions = (cmd: Command): Command =>
    cmd
      .option('--list', 'list scenarios and the profiles of every proxy, then exit')
      .option('--scenario <name>', 'run this scenario (repeatable; default: the user suite)', collect, [])
      .option(
        '--suite <name>',
        'run this suite: user (default), self-test, browser, model-check, cluster, network, scale',
      )
      .option('--profile <profile>', 'proxy profile for every scenario (overrides each scenario)')
      .option(
        '--proxy <proxy>',
        `the proxy: ${PROXY_KINDS.join(', ')} (repeatable: every scenario runs behind each; default nginx)`,
        collect,
        [],
      )
      .option(
        '--nginx-config <file>',
        'your own nginx.conf or server-block snippet, in place of the good profile',
      )
      .option('--haproxy-config <file>', 'your own haproxy.cfg, in place of the good profile')
      .option('--caddy-config <file>', 'your own Caddyfile, in place of the good profile')
      .option(
        '--target <file|zoo:NAME>',
        'JSON target file (your own SSE server, see "Targets" below), or zoo:NAME (a defect zoo member)',
      )
      .option('--out <dir>', 'output folder (default reports/out/<timestamp>, linked as reports/out/latest)')
      .option('--seed <n>', "seed for the clients' reconnect jitter (default 1)", parseSeed)
      .option('--slo <name=threshold>', 'override an SLO threshold (repeatable)', parseSlo, {})
      .option(
        '--config <file>',
        'config file (default: ./sse-chaos.config.{ts,mts,cts,js,mjs,cjs} when present)',
      )
      .addOption(
        new Option('--runtime <runtime>', 'where the stack runs').choices(['local', 'containers', 'auto']),
      )
      .option(
        '--shard <i/n>',
        "run only this machine's share (0-based i of n) of a run spread over machines against a url target; " +
          'writes the records for `sse-chaos merge` instead of a verdict',
      )
      .option(
        '--run-id <id>',
        'with --shard: the one id every shard of the run is given (e.g. the CI run id)',
      )
      .action(async (flags: RunFlags) => setCode(await runCommand(flags)));
  // `sse-chaos [flags]` and `sse-chaos run [flags]` are the same command.
  runOptions(program);
  runOptions(program.command('run').description('run the scenario suite (the default command)'));
  program
    .command('zoo')
    .description(
      'run the user suite (and the cluster suite for the Redis members) against the reference server and every member of the defect zoo; exits 0 only when ' +
        'every defect is flagged by its named SLO (with its cause) and the reference server by nothing',
    )
    .option('--member <name>', 'only this member (repeatable)', collect, [])
    .option('--out <dir>', 'output folder (default reports/out/zoo)')
    .option('--seed <n>', "seed for the clients' reconnect jitter (default 1)", parseSeed)
    .action(async (flags: { member: string[]; out?: string; seed?: number }) =>
      setCode(await zooCommand(flags)),
    );
  program
    .command('install')
    .description(
      'provide nginx, toxiproxy-server v2.12.0 (built with Go into the per-user cache) and, with --browser, ' +
        'Chromium, with --proxy, HAProxy or Caddy; idempotent, prints what it found',
    )
    .option(
      '--with-deps',
      'also install system packages (nginx, haproxy, caddy, chromium) with apt-get (root or sudo) or brew',
    )
    .option('--browser', 'require Chromium (browser subscribers, the report browser test)')
    .option('--proxy <proxy>', 'also provide this proxy: haproxy, caddy (repeatable)', collect, [])
    .option('--check', 'only look, install nothing')
    .action(async (flags: InstallFlags) => {
      const { installCommand } = await import('./install/command.ts');
      setCode(await installCommand(flags));
    });
  program
    .command('init')
    .description(
      'write a starter sse-chaos.config.ts, a target file for your server, a GitHub workflow using the ' +
        'action, and a .gitignore line for the reports (asks for what the flags do not give)',
    )
    .addOption(
      new Option(
        '--command <command>',
        'how to start your server ({port} is replaced; env PORT is set)',
      ).conflicts('url'),
    )
    .option('--url <url>', 'the base URL of a server that is already running')
    .option('--stream-path <path>', 'the SSE endpoint (default /events)')
    .option('--ready-path <path>', 'polled until it answers below 500 (default /)')
    .option('--publish-path <path>', 'where to POST an event (default /publish)')
    .option('--publish-body <json>', 'the publish body template, {{topic}} {{event}} {{data}} substituted')
    .option('--id-path <path>', 'dot path of the acknowledged id in the publish response (default id)')
    .option('--heartbeat-ms <ms>', 'declares: the SSE comment heartbeat interval (required)', parsePositive)
    .option('--retry-base-ms <ms>', 'declares: the retry: hint your server sends', parseNonNegative)
    .option('--retry-jitter-ms <ms>', 'declares: the width of its jitter', parseNonNegative)
    .option('--retention-events <n>', 'declares: how many events Last-Event-ID replay keeps', parsePositive)
    .option('--retention-ms <ms>', 'declares: how long Last-Event-ID replay keeps events', parsePositive)
    .option('--durable', 'declares: acknowledged events survive a crash')
    .option(
      '--shutdown-grace-ms <ms>',
      'declares: after SIGTERM every stream ends within this long',
      parsePositive,
    )
    .option('--dir <dir>', 'the project folder (default: the working directory)')
    .option('--yes', 'never ask: take defaults for what the flags do not give')
    .option('--force', 'overwrite files that exist')
    .action(async (flags: InitFlags) => {
      const { initCommand } = await import('./init/command.ts');
      setCode(await initCommand(flags));
    });
  program
    .command('compare <left> <right...>')
    .description(
      'compare runs (results.json files): the scenarios they share must end the same way on every side ' +
        '(e.g. the local and the containers runtime); exits 1 on a disagreement',
    )
    .action(async (left: string, right: string[]) => setCode(await compareCommand(left, right)));
  program
    .command('merge <dirs...>')
    .description(
      'judge a run spread over machines: the folders its shards (--shard i/n) wrote become one verdict and ' +
        'one report (results.json, report.html, junit.xml, summary.md)',
    )
    .option('--out <dir>', 'output folder (default reports/out/<timestamp>)')
    .option(
      '--config <file>',
      'the project config, for its scenarios (default: ./sse-chaos.config.* when present)',
    )
    .option('--slo <name=threshold>', 'override an SLO threshold (repeatable)', parseSlo, {})
    .action(async (dirs: string[], flags: { out?: string; config?: string; slo: Record<string, number> }) =>
      setCode(await mergeCommand(dirs, flags)),
    );
  program
    .command('report <results>')
    .description('re-render report.html, junit.xml and summary.md from a results.json')
    .option('--out <dir>', 'output folder (default: next to the results file)')
    .action(async (results: string, flags: { out?: string }) => setCode(await reportCommand(results, flags)));
  return program;
}

/** Runs the CLI and returns the exit code (never calls process.exit itself). */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exitCode 0 through the same path as usage errors.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof ScenarioConfigError || err instanceof TopologyConfigError) {
      process.stderr.write(`error: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof InfrastructureError) {
      process.stderr.write(`infrastructure error: ${err.message}\n`);
      return EXIT.infrastructure;
    }
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.infrastructure;
  }
}

const isEntry = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isEntry) {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // A stray keep-alive socket must not keep a finished run alive (unref: never delays a clean exit).
  setTimeout(() => process.exit(code), 2000).unref();
}
