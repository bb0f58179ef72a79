import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Lints workflow texts in a tsx child process (see lint-workflows-cli.ts for why); one process
 * for every file and mutation, so the whole check costs one Node start-up.
 */
function lintAll(files: { name: string; content: string; kind?: 'action' }[]): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const cli = fileURLToPath(new URL('./lint-workflows-cli.ts', import.meta.url));
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', cli],
      { timeout: 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`workflow linter failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as string[][]);
      },
    );
    child.stdin!.end(JSON.stringify(files));
  });
}

const DIR = new URL('../../.github/workflows/', import.meta.url);
const ACTION = new URL('../../action.yml', import.meta.url);

async function workflows(): Promise<Map<string, string>> {
  const names = (await readdir(DIR)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return new Map(
    await Promise.all(names.map(async (n) => [n, await readFile(new URL(n, DIR), 'utf8')] as const)),
  );
}

/** Applies a text edit and insists it matched, so a mutation test cannot pass by editing nothing. */
function mutate(source: string, from: string | RegExp, to: string): string {
  const out = source.replace(from, to);
  if (out === source) throw new Error(`mutation did not match: ${String(from)}`);
  return out;
}

describe('GitHub workflows', () => {
  it('exist: a test workflow and the chaos gate', async () => {
    expect([...(await workflows()).keys()]).toEqual(['chaos.yml', 'test.yml']);
  });

  it('are valid against the Actions workflow schema and our pinning/permissions policy', async () => {
    const all = [...(await workflows())].map(([name, content]) => ({ name, content }));
    const problems = await lintAll(all);
    all.forEach((f, i) => expect(problems[i], f.name).toEqual([]));
  });

  it('run on pull requests and pushes to main; test on Node 20 and 22; chaos runs local and containers', async () => {
    const all = await workflows();
    for (const content of all.values()) {
      const wf = parse(content) as { on: { pull_request: unknown; push: { branches: string[] } } };
      expect(wf.on).toHaveProperty('pull_request');
      expect(wf.on.push.branches).toEqual(['main']);
    }
    const test = parse(all.get('test.yml')!) as {
      jobs: { test: { strategy: { matrix: { node: number[] } }; steps: { run?: string }[] } };
    };
    expect(test.jobs.test.strategy.matrix.node).toEqual([20, 22]);
    expect(test.jobs.test.steps.map((s) => s.run)).toContain('npm test');
    const chaos = parse(all.get('chaos.yml')!) as {
      jobs: Record<
        string,
        {
          name: string;
          env: Record<string, string>;
          permissions: Record<string, string>;
          steps: { run?: string; uses?: string; with?: Record<string, string> }[];
        }
      >;
    };
    expect(chaos.jobs['chaos-local']!.name).toBe('chaos (local)');
    expect(chaos.jobs['chaos-local']!.env.SSE_CHAOS_RUNTIME).toBe('local');
    expect(chaos.jobs['chaos-containers']!.env.SSE_CHAOS_RUNTIME).toBe('containers');
    const artifacts = new Set<string>();
    for (const job of Object.values(chaos.jobs)) {
      // The repository's own gate is the action users get: `uses: ./`, after the dependencies.
      const step = job.steps.find((s) => s.uses === './');
      expect(step, job.name).toBeDefined();
      expect(job.steps.findIndex((s) => s.run?.startsWith('npm ci'))).toBeLessThan(job.steps.indexOf(step!));
      expect(step!.with!.runtime).toBe(job.env.SSE_CHAOS_RUNTIME);
      artifacts.add(step!.with!['artifact-name']!);
      expect(job.permissions.checks).toBe('write');
    }
    expect(artifacts.size).toBe(Object.keys(chaos.jobs).length);
  });
});

describe('the action (action.yml)', () => {
  type Step = { id?: string; run?: string; uses?: string; if?: string; with?: Record<string, string> };
  const action = async () =>
    parse(await readFile(ACTION, 'utf8')) as {
      inputs: Record<string, { default?: string }>;
      runs: { using: string; steps: Step[] };
    };

  it('is valid against the action metadata schema and our pinning policy', async () => {
    const [problems] = await lintAll([
      { name: 'action.yml', content: await readFile(ACTION, 'utf8'), kind: 'action' },
    ]);
    expect(problems).toEqual([]);
  });

  it('takes target, config, scenarios, suite, runtime and out; runs the CLI shipped next to it', async () => {
    const a = await action();
    expect(a.runs.using).toBe('composite');
    for (const input of ['target', 'config', 'scenarios', 'suite', 'runtime', 'out'])
      expect(a.inputs, input).toHaveProperty(input);
    expect(a.inputs.runtime!.default).toBe('local');
    const cli = a.runs.steps.filter((s) => s.run?.includes('"$GITHUB_ACTION_PATH/bin/sse-chaos.mjs"'));
    expect(cli.map((s) => s.run!.match(/sse-chaos\.mjs" (\S+)/)?.[1])).toEqual(['install', '"${args[@]}"']);
    // Inputs reach the shell through env, never spliced into the script (no injection).
    for (const s of a.runs.steps) expect(s.run ?? '', s.id).not.toMatch(/\$\{\{\s*inputs\./);
  });

  it('caches the binaries under the pinned toxiproxy version', async () => {
    const a = await action();
    const cache = a.runs.steps.find((s) => s.uses?.startsWith('actions/cache@'))!;
    expect(cache.with!.path).toBe('~/.cache/sse-chaos');
    const { TOXIPROXY_VERSION } = await import('../../harness/topology/tool-cache.ts');
    expect(cache.with!.key).toContain(`toxiproxy-${TOXIPROXY_VERSION}`);
  });

  it('reports whatever happened, then fails with the run exit code', async () => {
    const { steps } = (await action()).runs;
    const runIndex = steps.findIndex((s) => s.id === 'run');
    expect(steps[runIndex]!.run).toContain('echo "exit-code=$code" >> "$GITHUB_OUTPUT"');
    const after = steps.slice(runIndex + 1);
    expect(after.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
    expect(after.some((s) => s.uses?.startsWith('dorny/test-reporter@'))).toBe(true);
    expect(after.some((s) => s.run?.includes('$GITHUB_STEP_SUMMARY'))).toBe(true);
    for (const s of after) expect(s.if, JSON.stringify(s)).toMatch(/!cancelled\(\)/);
    const last = after.at(-1)!;
    expect(last.run).toMatch(/exit "\$\{CODE:-3\}"/);
  });

  describe('the validator catches broken action metadata', () => {
    const cases: [string, (s: string) => string, RegExp][] = [
      [
        'an unknown step key',
        (s) => mutate(s, 'shell: bash', 'shel: bash'),
        /schema: .*Unexpected value 'shel'/,
      ],
      [
        'a run step without shell',
        (s) => mutate(s, /\n {6}shell: bash(?=\n {6}run: node)/, ''),
        /without "shell"/,
      ],
      [
        'a broken expression',
        (s) => mutate(s, '${{ inputs.target }}', '${{ inputs.target( }}'),
        /schema: .*Unexpected symbol/,
      ],
      [
        'a mutable action tag',
        (s) => mutate(s, /actions\/cache@[0-9a-f]{40}/, 'actions/cache@v4'),
        /not pinned/,
      ],
      ['no runs', (s) => mutate(s, /\nruns:[\s\S]*$/, '\n'), /schema: .*runs/],
    ];
    let results: string[][];
    beforeAll(async () => {
      const original = await readFile(ACTION, 'utf8');
      results = await lintAll(
        cases.map(([, breakIt]) => ({
          name: 'action.yml',
          content: breakIt(original),
          kind: 'action' as const,
        })),
      );
    });
    it.each(cases.map((c, i) => [c[0], i, c[2]] as const))('rejects %s', (_label, i, expected) => {
      expect(results[i]!.join('\n')).toMatch(expected);
    });
  });
});

describe('GitHub workflows, validation', () => {
  describe('the validator catches broken workflows', () => {
    const cases: [string, (s: string) => string, RegExp][] = [
      [
        'an unknown job key',
        (s) => mutate(s, 'runs-on:', 'runs_on:'),
        /schema: .*Unexpected value 'runs_on'/,
      ],
      [
        'an invalid permission level',
        (s) => mutate(s, 'contents: read', 'contents: banana'),
        /schema: .*banana/,
      ],
      [
        'a broken expression',
        (s) => mutate(s, '${{ matrix.node }}', '${{ matrix.node( }}'),
        /schema: .*Unexpected symbol/,
      ],
      [
        'an unknown expression context',
        (s) => mutate(s, '${{ matrix.node }}', '${{ matrixx.node }}'),
        /schema: .*Unrecognized named-value: 'matrixx'/,
      ],
      ['a YAML syntax error', (s) => mutate(s, 'jobs:', 'jobs: [\n'), /YAML/],
      [
        'a mutable action tag',
        (s) => mutate(s, /actions\/checkout@[0-9a-f]{40}/, 'actions/checkout@v4'),
        /not pinned to a full commit SHA/,
      ],
      [
        'a pin without its version comment',
        (s) => mutate(s, /(actions\/checkout@[0-9a-f]{40}) # v[\d.]+/, '$1'),
        /no "# vX.Y.Z" version comment/,
      ],
      [
        'write permissions at the top level',
        (s) => mutate(s, 'permissions:\n  contents: read', 'permissions:\n  contents: write'),
        /top-level permission contents: write/,
      ],
      [
        'no cancel-in-progress',
        (s) => mutate(s, 'cancel-in-progress: true', 'cancel-in-progress: false'),
        /cancel-in-progress/,
      ],
      ['a job without timeout', (s) => mutate(s, /\n {4}timeout-minutes: \d+/, ''), /has no timeout-minutes/],
    ];
    let results: string[][];
    beforeAll(async () => {
      const original = (await workflows()).get('test.yml')!;
      results = await lintAll(cases.map(([, breakIt]) => ({ name: 'test.yml', content: breakIt(original) })));
    });
    it.each(cases.map((c, i) => [c[0], i, c[2]] as const))('rejects %s', (_label, i, expected) => {
      expect(results[i]!.join('\n')).toMatch(expected);
    });
  });
});
