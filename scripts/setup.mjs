#!/usr/bin/env node
// Idempotent provisioning of a clone of this repository: `npm test` and `npm run chaos` run it first,
// so a fresh clone needs no other command. It brings the npm dependencies in line with
// package-lock.json (plain Node: tsx does not exist yet), then runs the same provisioning as
// `npx sse-chaos install --proxy haproxy --proxy caddy` (harness/install/provision.ts): nginx, HAProxy
// and Caddy (the self-test suite runs all three), toxiproxy-server v2.12.0 into the per-user cache,
// chromium. Prints what it found; exits 1 with the fix when something is missing.
//
// Env: SSE_CHAOS_NGINX / SSE_CHAOS_HAPROXY / SSE_CHAOS_CADDY / SSE_CHAOS_TOXIPROXY / SSE_CHAOS_CHROMIUM
//                               use this binary
//      SSE_CHAOS_CACHE_DIR      where toxiproxy-server is built (default ~/.cache/sse-chaos)
//      SSE_CHAOS_SKIP_BROWSER=1 do not require chromium
//      SSE_CHAOS_SKIP_PROXIES=1 do not require HAProxy and Caddy
//      SSE_CHAOS_SETUP_NO_INSTALL=1  only check, never install
// As root with apt, system packages (nginx, haproxy, caddy, chromium) are installed too
// (`install --with-deps`), and the tools of the cluster and network suites: redis-server, nftables,
// iproute2 (without them those suites skip their scenarios, naming what is missing).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  CLUSTER_TOOLS,
  MIN_NODE,
  clusterToolsPlan,
  compareVersions,
  depsOutOfSync,
  npmPlan,
} from './setup-lib.mjs';

const started = performance.now();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const noInstall = env.SSE_CHAOS_SETUP_NO_INSTALL === '1';

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Runs npm with its output shown (installs take a while); resolves with the exit code. */
const runNpm = (args) =>
  new Promise((res) => {
    console.log(`sse-chaos setup: $ npm ${args.join(' ')}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, args, { stdio: 'inherit', cwd: root });
    child.on('error', () => res(1));
    child.on('exit', (code) => res(code ?? 1));
  });

const rows = [];
const failures = [];

const nodeVersion = process.versions.node;
if (compareVersions(nodeVersion, MIN_NODE) < 0) {
  rows.push({ name: 'node', status: 'missing', detail: `v${nodeVersion} (need >= ${MIN_NODE})` });
  failures.push(`Node.js ${MIN_NODE} or newer is required; this is ${nodeVersion}. See https://nodejs.org.`);
} else {
  rows.push({ name: 'node', status: 'ok', detail: `v${nodeVersion}  ${process.execPath}` });
}

const hasLock = existsSync(join(root, 'package-lock.json'));
const hasNodeModules = existsSync(join(root, 'node_modules'));
const reason = !hasNodeModules
  ? 'node_modules is missing'
  : hasLock
    ? depsOutOfSync(
        readJson(join(root, 'package-lock.json')),
        readJson(join(root, 'node_modules', '.package-lock.json')),
      )
    : undefined;
if (!reason) {
  rows.push({
    name: 'npm deps',
    status: 'ok',
    detail: hasLock ? 'in sync with package-lock.json' : 'present',
  });
} else if (noInstall) {
  rows.push({ name: 'npm deps', status: 'missing', detail: reason });
  failures.push(`npm dependencies: ${reason}. Run \`npm ci\` (or \`npm install\`).`);
} else {
  const plan = npmPlan({ hasNodeModules, hasLock });
  const code = await runNpm(plan);
  if (code === 0) rows.push({ name: 'npm deps', status: 'installed', detail: `(${reason})` });
  else {
    rows.push({ name: 'npm deps', status: 'missing', detail: reason });
    failures.push(`npm dependencies: \`npm ${plan.join(' ')}\` failed (exit ${code}).`);
  }
}

if (rows.some((r) => r.status === 'missing')) {
  console.log(
    `sse-chaos setup: FAILED\n${rows.map((r) => `  ${r.name}  [${r.status}] ${r.detail}`).join('\n')}`,
  );
  console.error(`\n${failures.join('\n\n')}`);
  process.exit(1);
}

// The npm dependencies are in place: the provisioning itself is TypeScript, loaded through tsx.
const { tsImport } = await import('tsx/esm/api');
const { provision } = await tsImport('../harness/install/provision.ts', import.meta.url);
const { formatReport } = await tsImport('../harness/install/report.ts', import.meta.url);
const result = await provision({
  env,
  withDeps: process.getuid?.() === 0 && !noInstall,
  browser: env.SSE_CHAOS_SKIP_BROWSER === '1' ? 'skip' : 'require',
  proxies: env.SSE_CHAOS_SKIP_PROXIES === '1' ? [] : ['haproxy', 'caddy'],
  checkOnly: noInstall,
});
rows.push(...result.rows);
failures.push(...result.failures);

// The cluster suite's redis-server and the network suite's nft / ip / tc.
const onPath = (cmd) =>
  (env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/sbin', '/usr/bin'])
    .some((dir) => dir && existsSync(join(dir, cmd)));
const have = Object.fromEntries(CLUSTER_TOOLS.map((t) => [t.command, onPath(t.command)]));
const plan = clusterToolsPlan({
  have,
  isRoot: process.getuid?.() === 0 && !noInstall,
  hasApt: onPath('apt-get'),
});
if (plan.install.length > 0) {
  const argv = [
    'env',
    'DEBIAN_FRONTEND=noninteractive',
    'RUNLEVEL=1',
    'apt-get',
    'install',
    '-y',
    '--no-install-recommends',
    ...plan.install,
  ];
  const run = (args) =>
    new Promise((res) => {
      console.log(`sse-chaos setup: $ ${args.join(' ')}`);
      const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 2, 2] });
      child.on('error', () => res(1));
      child.on('exit', (code) => res(code ?? 1));
    });
  // A fresh machine has no package lists yet: update once if the first try fails.
  let code = await run(argv);
  if (code !== 0 && (await run(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update'])) === 0)
    code = await run(argv);
  if (code === 0) rows.push({ name: 'cluster tools', status: 'installed', detail: plan.install.join(', ') });
  else
    failures.push(
      `apt-get install ${plan.install.join(' ')} failed (exit ${code}): the cluster and network suites need them.`,
    );
} else if (plan.missing.length > 0) {
  rows.push({
    name: 'cluster tools',
    status: 'missing',
    detail: `${plan.missing.map((t) => `${t.command} (${t.for})`).join('; ')}: apt-get install -y ${[...new Set(plan.missing.map((t) => t.pkg))].join(' ')}; those scenarios are skipped until then`,
  });
} else {
  rows.push({ name: 'cluster tools', status: 'ok', detail: CLUSTER_TOOLS.map((t) => t.command).join(', ') });
}
const ok = failures.length === 0;
console.log(formatReport('sse-chaos setup', rows, performance.now() - started, ok));
if (!ok) {
  console.error(`\n${failures.join('\n\n')}`);
  process.exitCode = 1;
}
