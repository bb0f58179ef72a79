#!/usr/bin/env node
// Idempotent provisioning: `npm test` and `npm run chaos` run it first, so a fresh clone needs no
// other command. Checks (and when it can, installs) npm dependencies, nginx, toxiproxy-server
// v2.12.0 and chromium; prints what it found; exits 1 with the fix when something is missing.
// Plain Node ESM on purpose: it must run before npm dependencies (tsx included) exist.
// Nothing is cached: every run looks again (~100-200 ms when everything is present).
//
// Env: SSE_CHAOS_NGINX / SSE_CHAOS_TOXIPROXY / SSE_CHAOS_CHROMIUM  use this binary
//      SSE_CHAOS_TOOLS_DIR      project-local tools folder (default <project>/.tools)
//      SSE_CHAOS_SKIP_BROWSER=1 do not require chromium
//      SSE_CHAOS_SETUP_NO_INSTALL=1  only check, never install
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  APT_PACKAGES,
  MIN_NODE,
  TOXIPROXY_MODULE,
  TOXIPROXY_VERSION,
  compareVersions,
  depsOutOfSync,
  formatReport,
  installHint,
  npmPlan,
  parseChromiumVersion,
  parseGoVersion,
  parseNginxVersion,
  parseToxiproxyVersion,
  systemInstallPlan,
} from './setup-lib.mjs';

const started = performance.now();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const toolsDir = resolve(env.SSE_CHAOS_TOOLS_DIR || join(root, '.tools'));
const toolsBin = join(toolsDir, 'bin');
const noInstall = env.SSE_CHAOS_SETUP_NO_INSTALL === '1';
const isRoot = process.getuid?.() === 0;

const isExecutable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (name) =>
  (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((d) => join(d, name))
    .filter(isExecutable);

/** Runs a command, resolves with its combined output and exit code (never rejects). */
const run = (file, args, options = {}) =>
  new Promise((res) => {
    execFile(file, args, { timeout: 10_000, ...options }, (err, stdout, stderr) =>
      res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });

/** Runs a command with the output shown to the user (installs take a while). */
const runLoud = (file, args, extraEnv = {}) =>
  new Promise((res) => {
    console.log(`sse-chaos setup: $ ${[file, ...args].join(' ')}`);
    const child = spawn(file, args, { stdio: 'inherit', cwd: root, env: { ...env, ...extraEnv } });
    child.on('error', () => res(1));
    child.on('exit', (code) => res(code ?? 1));
  });

const rows = [];
const failures = [];

// --- node ---------------------------------------------------------------------------------------
const nodeVersion = process.versions.node;
if (compareVersions(nodeVersion, MIN_NODE) < 0) {
  rows.push({ name: 'node', status: 'missing', detail: `v${nodeVersion} (need >= ${MIN_NODE})` });
  failures.push(
    `Node.js ${MIN_NODE} or newer is required; this is ${nodeVersion}. See https://nodejs.org or use nvm.`,
  );
} else {
  rows.push({ name: 'node', status: 'ok', detail: `v${nodeVersion}  ${process.execPath}` });
}

// --- npm dependencies ---------------------------------------------------------------------------
function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
async function ensureDeps() {
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
  if (!reason)
    return { name: 'npm deps', status: 'ok', detail: hasLock ? 'in sync with package-lock.json' : 'present' };
  if (noInstall) {
    failures.push(`npm dependencies: ${reason}. Run \`npm ci\` (or \`npm install\`).`);
    return { name: 'npm deps', status: 'missing', detail: reason };
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const code = await runLoud(npm, npmPlan({ hasNodeModules, hasLock }));
  if (code !== 0) {
    failures.push(
      `npm dependencies: \`npm ${npmPlan({ hasNodeModules, hasLock }).join(' ')}\` failed (exit ${code}).`,
    );
    return { name: 'npm deps', status: 'missing', detail: reason };
  }
  return { name: 'npm deps', status: 'installed', detail: `(${reason})` };
}

// --- finders (run in parallel) ------------------------------------------------------------------
async function findNginx() {
  const candidates = [env.SSE_CHAOS_NGINX, ...onPath('nginx'), '/usr/sbin/nginx', '/usr/local/sbin/nginx'];
  for (const c of candidates) {
    if (!c || !isExecutable(c)) continue;
    const version = parseNginxVersion((await run(c, ['-v'])).output);
    if (version) return { path: c, version };
  }
  return undefined;
}

async function findToxiproxy() {
  const candidates = [
    env.SSE_CHAOS_TOXIPROXY,
    ...onPath('toxiproxy-server'),
    join(toolsBin, 'toxiproxy-server'),
  ];
  const others = [];
  for (const c of candidates) {
    if (!c || !isExecutable(c)) continue;
    const version = parseToxiproxyVersion((await run(c, ['-version'])).output);
    if (version === TOXIPROXY_VERSION) return { path: c, version, others };
    others.push(`${c} (${version ?? 'unknown version'})`);
  }
  return { others };
}

async function findChromium() {
  const candidates = [
    env.SSE_CHAOS_CHROMIUM,
    '/usr/bin/chromium',
    ...onPath('chromium'),
    ...onPath('chromium-browser'),
    ...onPath('google-chrome'),
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ];
  const path = candidates.find((c) => c && isExecutable(c));
  if (!path) return undefined;
  return {
    path,
    version: parseChromiumVersion((await run(path, ['--version'])).output) ?? 'unknown version',
  };
}

// --- installers ---------------------------------------------------------------------------------
async function aptInstall(packages) {
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' }; // RUNLEVEL: do not start services.
  for (const pkg of packages) {
    if ((await runLoud('apt-get', ['install', '-y', '--no-install-recommends', pkg], aptEnv)) === 0)
      return true;
    // Fresh containers have no package lists yet.
    if ((await runLoud('apt-get', ['update'], aptEnv)) !== 0) return false;
    if ((await runLoud('apt-get', ['install', '-y', '--no-install-recommends', pkg], aptEnv)) === 0)
      return true;
  }
  return false;
}

async function buildToxiproxy() {
  const go = onPath('go')[0] ?? ['/usr/local/go/bin/go'].find(isExecutable);
  if (!go) return 'Go is not installed';
  const goVersion = parseGoVersion((await run(go, ['version'])).output);
  if (!goVersion || compareVersions(goVersion, '1.23') < 0)
    return `Go ${goVersion ?? '?'} is older than 1.23`;
  const gobin = join(toolsDir, 'gobin');
  mkdirSync(gobin, { recursive: true });
  mkdirSync(toolsBin, { recursive: true });
  const code = await runLoud(
    go,
    [
      'install',
      '-ldflags',
      `-X ${TOXIPROXY_MODULE}.Version=${TOXIPROXY_VERSION}`,
      `${TOXIPROXY_MODULE}/cmd/server@v${TOXIPROXY_VERSION}`,
    ],
    { GOBIN: gobin },
  );
  if (code !== 0) return `go install failed (exit ${code})`;
  renameSync(join(gobin, 'server'), join(toolsBin, 'toxiproxy-server')); // The binary is named `server`.
  return undefined;
}

// --- main ---------------------------------------------------------------------------------------
const hasApt = isExecutable('/usr/bin/apt-get');
const plan = systemInstallPlan({ isRoot, hasApt, noInstall });
const skipBrowser = env.SSE_CHAOS_SKIP_BROWSER === '1';

const [deps, nginxFound, toxiFound, chromiumFound] = await Promise.all([
  ensureDeps(),
  findNginx(),
  findToxiproxy(),
  skipBrowser ? Promise.resolve(undefined) : findChromium(),
]);
rows.push(deps);

let nginx = nginxFound;
let nginxStatus = 'ok';
if (!nginx && plan === 'apt' && (await aptInstall(APT_PACKAGES.nginx))) {
  nginx = await findNginx();
  nginxStatus = 'installed';
}
if (nginx) rows.push({ name: 'nginx', status: nginxStatus, detail: `${nginx.version}  ${nginx.path}` });
else {
  rows.push({ name: 'nginx', status: 'missing', detail: 'not found' });
  failures.push(installHint('nginx', toolsDir));
}

let toxi = toxiFound;
let toxiStatus = 'ok';
let buildProblem;
if (!toxi.path && !noInstall) {
  buildProblem = await buildToxiproxy();
  if (!buildProblem) {
    toxi = await findToxiproxy();
    toxiStatus = 'installed';
  }
}
if (toxi.path) rows.push({ name: 'toxiproxy', status: toxiStatus, detail: `${toxi.version}  ${toxi.path}` });
else {
  const seen = toxi.others.length ? ` (found only ${toxi.others.join(', ')})` : '';
  rows.push({ name: 'toxiproxy', status: 'missing', detail: `v${TOXIPROXY_VERSION} not found${seen}` });
  failures.push(
    `${installHint('toxiproxy', toolsDir)}${buildProblem ? `\n  (automatic build: ${buildProblem})` : ''}`,
  );
}

if (skipBrowser) rows.push({ name: 'chromium', status: 'skipped', detail: 'SSE_CHAOS_SKIP_BROWSER=1' });
else {
  let chromium = chromiumFound;
  let status = 'ok';
  if (!chromium && plan === 'apt' && (await aptInstall(APT_PACKAGES.chromium))) {
    chromium = await findChromium();
    status = 'installed';
  }
  if (chromium) rows.push({ name: 'chromium', status, detail: `${chromium.version}  ${chromium.path}` });
  else {
    rows.push({ name: 'chromium', status: 'missing', detail: 'not found' });
    failures.push(installHint('chromium', toolsDir));
  }
}

const ok = failures.length === 0;
console.log(formatReport(rows, performance.now() - started, ok));
if (!ok) {
  console.error(`\n${failures.join('\n\n')}`);
  process.exitCode = 1;
}
