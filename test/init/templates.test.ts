import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  DEFAULT_PUBLISH_BODY,
  configSource,
  targetSpec,
  withIgnoreLine,
  workflowSource,
  type TargetAnswers,
} from '../../harness/init/templates.ts';
import { declarationsOf, parseTarget } from '../../harness/topology/target.ts';

const base: TargetAnswers = {
  command: ['node', 'server.js'],
  streamPath: '/sse',
  readyPath: '/health',
  publishPath: '/api/publish',
  publishBody: DEFAULT_PUBLISH_BODY,
  idPath: 'result.id',
  heartbeatMs: 10_000,
};

describe('init: the target file', () => {
  it('is a valid command target declaring only what was given', () => {
    const spec = parseTarget(targetSpec(base));
    expect(spec).toMatchObject({
      kind: 'command',
      command: ['node', 'server.js'],
      streamPath: '/sse',
      readyPath: '/health',
      publish: { path: '/api/publish', idPath: 'result.id' },
    });
    expect(declarationsOf(spec)).toEqual({ heartbeatMs: 10_000, durable: false });
  });

  it('carries retry, retention, durability and shutdown grace when known; a url target has no command', () => {
    const spec = parseTarget(
      targetSpec({
        ...base,
        command: undefined,
        url: 'http://127.0.0.1:9000',
        retryBaseMs: 2000,
        retryJitterMs: 500,
        retentionEvents: 1000,
        retentionMs: 60_000,
        durable: true,
        shutdownGraceMs: 4000,
      }),
    );
    expect(spec.kind).toBe('url');
    expect(declarationsOf(spec)).toEqual({
      heartbeatMs: 10_000,
      retry: { baseMs: 2000, jitterMs: 500 },
      retention: { events: 1000, ms: 60_000 },
      durable: true,
      shutdownGraceMs: 4000,
    });
  });
});

describe('init: the config and the workflow', () => {
  it('the config imports from the package and points at the target file', () => {
    expect(configSource()).toContain(`import { defineConfig } from 'sse-chaos';`);
    expect(configSource()).toContain(`target: './sse-chaos.target.json'`);
  });

  it('the workflow uses the action from the installed package after installing the dependencies', () => {
    const wf = parse(workflowSource({ hasLockfile: true })) as {
      jobs: { 'sse-chaos': { steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] } };
    };
    const steps = wf.jobs['sse-chaos'].steps;
    expect(steps.map((s) => s.run ?? s.uses!.replace(/@.*/, ''))).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'npm ci',
      './node_modules/sse-chaos',
    ]);
    expect(steps[1]!.with).toMatchObject({ cache: 'npm' });
    const noLock = parse(workflowSource({ hasLockfile: false })) as typeof wf;
    expect(noLock.jobs['sse-chaos'].steps[2]!.run).toBe('npm install');
    expect(noLock.jobs['sse-chaos'].steps[1]!.with).not.toHaveProperty('cache');
  });

  it('the workflow passes the same schema and policy checks as this repository’s own', async () => {
    const cli = fileURLToPath(new URL('../github/lint-workflows-cli.ts', import.meta.url));
    const files = [true, false].map((hasLockfile) => ({
      name: 'sse-chaos.yml',
      content: workflowSource({ hasLockfile }),
    }));
    const problems = await new Promise<string[][]>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', cli],
        { timeout: 60_000 },
        (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as string[][])),
      );
      child.stdin!.end(JSON.stringify(files));
    });
    expect(problems).toEqual([[], []]);
  });
});

describe('init: .gitignore', () => {
  it('adds the reports folder once, keeping what is there', () => {
    expect(withIgnoreLine(undefined)).toBe('# sse-chaos reports\nreports/out/\n');
    expect(withIgnoreLine('node_modules')).toBe('node_modules\n# sse-chaos reports\nreports/out/\n');
    expect(withIgnoreLine('node_modules\nreports/out/\n')).toBeUndefined();
    expect(withIgnoreLine('reports/out\n')).toBeUndefined();
  });
});
