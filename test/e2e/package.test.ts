/**
 * sse-chaos as a user gets it: the packed tarball installed from its path into a fresh CommonJS
 * project and a fresh ESM project (dependencies from the registry), provisioned with
 * `npx sse-chaos install` into a private cache, then a scenario from a config file run against a
 * small CommonJS user server and against the compiled reference server, the library imported from
 * plain Node (import and require), a user file type-checked against the published .d.ts, and the
 * shipped action.yml validated. Nothing from this repository's sources is on the path: the projects
 * live in a temp folder and run with plain Node.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPath } from '../../harness/topology/binaries.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let work: string;
let tarball: string;
let packed: { size: number; unpackedSize: number; files: { path: string }[] };
const cjs = () => join(work, 'cjs-project');
const esm = () => join(work, 'esm-project');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`), with its output captured. */
function sh(
  file: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? userEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (err) => (stderr += String(err)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A user's environment: node, npm and go on PATH but no toxiproxy-server (the private cache is the
 * only place it can come from), the local runtime, no tsx or other loader registered.
 */
function userEnv(): NodeJS.ProcessEnv {
  const go = onPath('go')[0] ?? '/usr/local/go/bin/go';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [dirname(process.execPath), dirname(go), '/usr/sbin', '/usr/bin', '/bin'].join(':'),
    SSE_CHAOS_CACHE_DIR: join(work, 'cache'),
    SSE_CHAOS_RUNTIME: 'local',
    SSE_CHAOS_TOXIPROXY: '',
    CI: '1',
  };
  delete env.NODE_OPTIONS; // vitest's own hooks must not reach the user's processes.
  delete env.VITEST;
  return env;
}

const npm = (args: string[], cwd: string) =>
  sh('npm', ['--no-fund', '--no-audit', '--loglevel=error', ...args], { cwd, timeoutMs: 240_000 });

async function project(dir: string, type: 'commonjs' | 'module'): Promise<void> {
  await mkdir(dir, { recursive: true });
  const pkg = {
    name: `user-${type}`,
    version: '1.0.0',
    private: true,
    ...(type === 'module' ? { type } : {}),
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const r = await npm(['install', '--save-dev', tarball], dir);
  if (r.code !== 0) throw new Error(`npm install ${tarball} in ${dir} failed:\n${r.stdout}\n${r.stderr}`);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sse-chaos-e2e-'));
  const r = await npm(['pack', '--json', '--pack-destination', work], repo);
  if (r.code !== 0) throw new Error(`npm pack failed:\n${r.stderr}`);
  packed = (
    JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as (typeof packed & { filename: string })[]
  )[0]!;
  tarball = join(
    work,
    (JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string }[])[0]!.filename,
  );
  await project(cjs(), 'commonjs');
  await project(esm(), 'module');
}, 480_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the built package and what it reads at run time, not tests, sources or screenshots', () => {
    const paths = packed.files.map((f) => f.path);
    for (const must of [
      'bin/sse-chaos.mjs',
      'dist/harness/index.js',
      'dist/harness/index.d.ts',
      'dist/harness/cli.js',
      'dist/server/main.js',
      'dist/zoo/main.js',
      'docker/nginx/nginx.conf.template',
      'reports/html/report.css',
      'reports/html/client.js',
      'harness/topology/guardian.mjs',
      'action.yml',
    ])
      expect(paths, must).toContain(must);
    expect(paths.filter((p) => /\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(
      paths.filter((p) => /^(test|bench|docs|scripts|\.github|\.ci)\//.test(p) || p.endsWith('.png')),
    ).toEqual([]);
  });

  it('installs without testcontainers nor playwright-core (optional peers), ssh2 or native cpu-features', () => {
    for (const dep of ['testcontainers', 'ssh2', 'cpu-features', 'tsx', 'esbuild', 'playwright-core'])
      expect(existsSync(join(cjs(), 'node_modules', dep)), dep).toBe(false);
    expect(existsSync(join(cjs(), 'node_modules', 'jiti'))).toBe(true);
  });
});

describe('npx sse-chaos install', () => {
  it('builds toxiproxy-server into the cache named by SSE_CHAOS_CACHE_DIR, then finds it', async () => {
    const first = await sh('npx', ['sse-chaos', 'install'], { cwd: cjs(), timeoutMs: 240_000 });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const binary = join(work, 'cache', 'toxiproxy-v2.12.0', 'toxiproxy-server');
    expect(first.stdout).toMatch(new RegExp(`toxiproxy\\s+\\[installed\\] 2\\.12\\.0\\s+${binary}`));
    const again = await sh('npx', ['sse-chaos', 'install'], { cwd: esm() });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`toxiproxy\\s+2\\.12\\.0\\s+${binary}`));
  }, 300_000);
});

const userTarget = {
  kind: 'command',
  command: ['node', 'server.cjs'],
  readyPath: '/health',
  streamPath: '/stream',
  publish: {
    path: '/api/messages',
    bodyTemplate: { channel: '{{topic}}', kind: '{{event}}', payload: '{{data}}' },
    idPath: 'message.id',
  },
  declares: { heartbeatMs: 1000, retry: { baseMs: 1000, jitterMs: 0 } },
};

const quickScenario = (name: string) => `defineScenario({
      name: '${name}',
      description: 'A short healthy run through nginx and toxiproxy, from a project that installed the package.',
      workload: { ratePerSec: 20, durationMs: 2500 },
      fleet: { count: 6 },
    })`;

describe('a CommonJS project (the package type npm init writes)', () => {
  it('runs its scenario from sse-chaos.config.ts against its own CommonJS server and writes the reports', async () => {
    await copyFile(join(repo, 'test/e2e/fixtures/user-server.cjs'), join(cjs(), 'server.cjs'));
    await writeFile(join(cjs(), 'sse-chaos.target.json'), JSON.stringify(userTarget, null, 2));
    await writeFile(
      join(cjs(), 'sse-chaos.config.ts'),
      `import { defineConfig, defineScenario } from 'sse-chaos';
const seed: number = 5;
export default defineConfig({
  target: './sse-chaos.target.json',
  seed,
  scenarios: [${quickScenario('user-quick')}],
});
`,
    );
    const list = await sh('npx', ['sse-chaos', '--list'], { cwd: cjs() });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/ user-quick\s+\[user\]/);

    const r = await sh('npx', ['sse-chaos', '--scenario', 'user-quick', '--out', 'out'], {
      cwd: cjs(),
      timeoutMs: 180_000,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('1/1 scenarios as expected');
    const results = JSON.parse(await readFile(join(cjs(), 'out', 'results.json'), 'utf8')) as {
      seed: number;
      scenarios: { name: string; verdict: string; slos: { name: string; pass: boolean }[] }[];
    };
    expect(results.seed).toBe(5);
    expect(results.scenarios.map((s) => [s.name, s.verdict])).toEqual([['user-quick', 'pass']]);
    // The report's assets came from the package: uPlot and our own chart script are inlined.
    const html = await readFile(join(cjs(), 'out', 'report.html'), 'utf8');
    expect(html).toContain('uPlot');
    expect(html).toContain('report-data');
    for (const f of ['junit.xml', 'summary.md']) expect(existsSync(join(cjs(), 'out', f)), f).toBe(true);
  }, 240_000);

  it('a target that cannot start fails with exit 3 and prints the cause on the console', async () => {
    await writeFile(
      join(cjs(), 'broken.json'),
      JSON.stringify({ ...userTarget, command: ['node', 'no-such-server.cjs'] }),
    );
    const r = await sh(
      'npx',
      ['sse-chaos', '--scenario', 'user-quick', '--target', 'broken.json', '--out', 'out-broken'],
      {
        cwd: cjs(),
        timeoutMs: 120_000,
      },
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/target: exited \(exit code 1\) before GET/);
    expect(r.stdout).toContain("Cannot find module '");
    expect(r.stdout).toContain('no-such-server.cjs');
  }, 180_000);

  it('asking for the containers runtime without testcontainers names the install command (exit 3)', async () => {
    const r = await sh(
      'npx',
      ['sse-chaos', '--scenario', 'user-quick', '--runtime', 'containers', '--out', 'out-containers'],
      {
        cwd: cjs(),
      },
    );
    // Checked before anything starts (no engine, no scenario): the console names the fix.
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'infrastructure error: containers: the containers runtime needs the testcontainers package',
    );
    expect(r.stderr).toContain('npm i -D testcontainers@^11.14.0');
    expect(existsSync(join(cjs(), 'out-containers', 'results.json'))).toBe(false);
  }, 120_000);

  it('a scenario with real browsers, without playwright-core (an optional peer), names the install command (exit 3)', async () => {
    const r = await sh(
      'npx',
      ['sse-chaos', '--scenario', 'browser-connection-cap-h2', '--out', 'out-browser'],
      {
        cwd: cjs(),
      },
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('real-browser (chromium) clients need the playwright-core package');
    expect(r.stdout).toContain('npm i -D playwright-core@^1.65.1');
  }, 120_000);

  it('imports the library with require() and import from plain Node', async () => {
    const req = await sh(
      'node',
      [
        '-e',
        `const m = require('sse-chaos'); console.log(typeof m.defineConfig, typeof m.runSuite, m.EXIT.infrastructure)`,
      ],
      { cwd: cjs() },
    );
    expect(req.stdout.trim(), req.stderr).toBe('function function 3');
    const imp = await sh(
      'node',
      [
        '--input-type=module',
        '-e',
        `import { defineScenario, SLO_NAMES } from 'sse-chaos'; console.log(typeof defineScenario, SLO_NAMES.length > 0)`,
      ],
      { cwd: cjs() },
    );
    expect(imp.stdout.trim(), imp.stderr).toBe('function true');
  });
});

describe('an ESM project', () => {
  it('runs a config-file scenario against the compiled reference server', async () => {
    await writeFile(
      join(esm(), 'sse-chaos.config.mjs'),
      `import { defineConfig, defineScenario } from 'sse-chaos';
export default defineConfig({ scenarios: [${quickScenario('reference-quick')}] });
`,
    );
    const r = await sh('npx', ['sse-chaos', '--scenario', 'reference-quick', '--out', 'out'], {
      cwd: esm(),
      timeoutMs: 180_000,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const results = JSON.parse(await readFile(join(esm(), 'out', 'results.json'), 'utf8')) as {
      scenarios: { verdict: string; logs?: { target?: string } }[];
    };
    expect(results.scenarios[0]!.verdict).toBe('pass');
  }, 240_000);

  it('starts a defect zoo member from the compiled package (no TypeScript loader)', async () => {
    const main = join(esm(), 'node_modules/sse-chaos/dist/zoo/main.js');
    const child = spawn(
      process.execPath,
      [main, '--defect', 'no-heartbeat', '--port', '0', '--host', '127.0.0.1'],
      {
        env: userEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('"listening"')) resolve(out);
        });
        child.on('exit', (code) => reject(new Error(`zoo member exited ${code}`)));
      });
      expect(line).toMatch(/"url":"http:\/\/127\.0\.0\.1:\d+"/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('imports the library with import and require() from plain Node', async () => {
    const imp = await sh(
      'node',
      ['-e', `import('sse-chaos').then((m) => console.log(typeof m.defineConfig))`],
      { cwd: esm() },
    );
    expect(imp.stdout.trim(), imp.stderr).toBe('function');
    await writeFile(join(esm(), 'req.cjs'), `console.log(typeof require('sse-chaos').loadConfig);\n`);
    const req = await sh('node', ['req.cjs'], { cwd: esm() });
    expect(req.stdout.trim(), req.stderr).toBe('function');
  });
});

describe("a user's TypeScript against the published types", () => {
  const tsc = join(repo, 'node_modules/typescript/bin/tsc');
  const tsconfig = (files: string[], skipLibCheck = false) =>
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck,
        types: ['node'],
        typeRoots: [join(repo, 'node_modules/@types')],
      },
      files,
    });

  it('type-checks a config using the API (in the ESM project), with no error inside the package', async () => {
    await writeFile(
      join(esm(), 'typed.ts'),
      `import { defineConfig, defineScenario, EXIT, type Results, type TargetSpecInput } from 'sse-chaos';
const target: TargetSpecInput = { kind: 'url', baseUrl: 'http://127.0.0.1:8080', streamPath: '/stream',
  publish: { path: '/api/messages', idPath: 'message.id' }, declares: { heartbeatMs: 1000 } };
export default defineConfig({ target, slos: { 'latency-p99': 500 },
  scenarios: [defineScenario({ name: 'typed', description: 'Checked by the user project tsc against the published types.',
    workload: { ratePerSec: 10, durationMs: 2000 } })] });
export function verdictOf(results: Results): number { return results.summary.unexpected > 0 ? EXIT.unexpected : EXIT.ok; }
`,
    );
    await writeFile(join(esm(), 'tsconfig.json'), tsconfig(['typed.ts']));
    const r = await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: esm() });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('reports a wrong field type in the CommonJS project (the types are real)', async () => {
    await writeFile(
      join(cjs(), 'mistyped.ts'),
      `import { defineConfig } from 'sse-chaos';\nexport default defineConfig({ seed: 'seven' });\n`,
    );
    await writeFile(join(cjs(), 'tsconfig.json'), tsconfig(['mistyped.ts'], true));
    const r = await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: cjs() });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(
      /mistyped\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
  }, 120_000);
});

describe('the shipped action.yml', () => {
  it('is valid action metadata', async () => {
    const content = await readFile(join(cjs(), 'node_modules/sse-chaos/action.yml'), 'utf8');
    const cli = join(repo, 'test/github/lint-workflows-cli.ts');
    const r = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli], {
        cwd: repo,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(JSON.stringify([{ name: 'action.yml', content, kind: 'action' }]));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([[]]);
  });
});
