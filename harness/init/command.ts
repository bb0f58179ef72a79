/**
 * `sse-chaos init`: sets a project up in one step. Takes the target's description from flags and
 * asks (on a terminal) for what they do not give; the heartbeat interval has no default because
 * silence is judged against it. The target is validated before anything is written, and existing
 * files are kept unless --force.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline/promises';
import { ScenarioConfigError } from '../run/config-error.ts';
import { EXIT } from '../run/exit-codes.ts';
import { declarationsOf, parseTarget } from '../topology/target.ts';
import type { InitFlags } from './flags.ts';
import { splitCommand } from './split-command.ts';
import {
  DEFAULT_PUBLISH_BODY,
  FILES,
  configSource,
  targetSpec,
  withIgnoreLine,
  workflowSource,
  type TargetAnswers,
} from './templates.ts';

type Ask = (question: string, fallback?: string) => Promise<string | undefined>;

function asker(rl: Interface | undefined): Ask {
  return async (question, fallback) => {
    if (!rl) return fallback;
    const answer = (await rl.question(`${question}${fallback ? ` (${fallback})` : ''}: `)).trim();
    return answer || fallback;
  };
}

const fail = (message: string): never => {
  throw new ScenarioConfigError(`init: ${message}`);
};

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) fail(`${flag}: expected a positive integer, got "${value}"`);
  return n;
}

async function answers(flags: InitFlags, ask: Ask, interactive: boolean): Promise<TargetAnswers> {
  let command = flags.command;
  let url = flags.url;
  if (command === undefined && url === undefined) {
    const how = await ask(
      'How is your server started? A command (node server.js --port {port}) or the URL of a running server',
    );
    if (!how) {
      fail(
        'say how to reach your server: --command "node server.js --port {port}" (or env PORT), or --url http://127.0.0.1:8080' +
          (interactive ? '' : ' (run it in a terminal to be asked)'),
      );
    }
    if (/^https?:\/\//.test(how!)) url = how;
    else command = how;
  }
  let argv: string[] | undefined;
  if (command !== undefined) {
    try {
      argv = splitCommand(command);
    } catch (err) {
      fail(`--command: ${(err as Error).message}`);
    }
    if (!argv!.length) fail('--command: empty command');
  }
  const streamPath = flags.streamPath ?? (await ask('SSE endpoint path', '/events'))!;
  const readyPath =
    flags.readyPath ?? (await ask('Path that answers below 500 once the server is ready', '/'))!;
  const publishPath = flags.publishPath ?? (await ask('Path that publishes an event (POST)', '/publish'))!;
  const bodyText =
    flags.publishBody ??
    (await ask(
      'Publish body template (JSON; {{topic}} {{event}} {{data}})',
      JSON.stringify(DEFAULT_PUBLISH_BODY),
    ))!;
  let publishBody: unknown;
  try {
    publishBody = JSON.parse(bodyText);
  } catch (err) {
    fail(`--publish-body: not JSON (${(err as Error).message}): ${bodyText}`);
  }
  const idPath =
    flags.idPath ?? (await ask('Where the acknowledged event id is in the publish response', 'id'))!;
  const heartbeatMs =
    flags.heartbeatMs ??
    positive(await ask('Heartbeat interval of your streams, ms (SSE comment lines)'), '--heartbeat-ms');
  if (heartbeatMs === undefined) {
    fail(
      '--heartbeat-ms is required: the interval (ms) at which your server sends SSE comment heartbeats; ' +
        'silence on a stream is judged against it',
    );
  }
  const optional = async (flag: number | undefined, question: string, name: string) =>
    flag ?? positive(await ask(`${question} (empty: not declared)`), name);
  return {
    ...(argv ? { command: argv } : { url: url! }),
    streamPath,
    readyPath,
    publishPath,
    publishBody,
    idPath,
    heartbeatMs: heartbeatMs!,
    retryBaseMs:
      flags.retryBaseMs ??
      (await optional(undefined, 'retry: hint your server sends, ms', '--retry-base-ms')),
    retryJitterMs: flags.retryJitterMs,
    retentionEvents:
      flags.retentionEvents ??
      (await optional(undefined, 'Events kept for Last-Event-ID replay', '--retention-events')),
    retentionMs: flags.retentionMs,
    durable:
      flags.durable ??
      (await ask('Do acknowledged events survive a crash? y/N', 'n'))?.toLowerCase().startsWith('y'),
    shutdownGraceMs:
      flags.shutdownGraceMs ??
      (await optional(undefined, 'After SIGTERM, every stream ends within (ms)', '--shutdown-grace-ms')),
  };
}

export async function initCommand(flags: InitFlags): Promise<number> {
  const dir = resolve(flags.dir ?? '.');
  const interactive = !flags.yes && Boolean(process.stdin.isTTY);
  const rl = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : undefined;
  let a: TargetAnswers;
  try {
    a = await answers(flags, asker(rl), interactive);
  } finally {
    rl?.close();
  }
  const spec = targetSpec(a);
  declarationsOf(parseTarget(spec, 'the target init would write')); // Bad input stops here, before any file.

  const files: Array<[string, string]> = [
    [FILES.target, `${JSON.stringify(spec, null, 2)}\n`],
    [FILES.config, configSource()],
    [FILES.workflow, workflowSource({ hasLockfile: existsSync(join(dir, 'package-lock.json')) })],
  ];
  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const [name, text] of files) {
    const path = join(dir, name);
    if (existsSync(path) && !flags.force) {
      out(`kept     ${name} (exists; --force overwrites it)`);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    out(`wrote    ${name}`);
  }
  const ignorePath = join(dir, FILES.gitignore);
  const ignored = withIgnoreLine(existsSync(ignorePath) ? await readFile(ignorePath, 'utf8') : undefined);
  if (ignored !== undefined) {
    await writeFile(ignorePath, ignored);
    out(`updated  ${FILES.gitignore} (reports/out/)`);
  }
  out(
    '\nNext:\n  npx sse-chaos install --with-deps   # nginx and toxiproxy-server, once per machine\n' +
      '  npx sse-chaos                       # run the suite against your server\n' +
      `  commit ${FILES.config}, ${FILES.target} and ${FILES.workflow}`,
  );
  return EXIT.ok;
}
