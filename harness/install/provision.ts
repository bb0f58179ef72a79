/**
 * `sse-chaos install`: finds nginx, toxiproxy-server v2.12.0 and (optionally) HAProxy, Caddy and
 * Chromium, and provides
 * what is missing: toxiproxy is built with Go into the per-user cache; with `withDeps`, system
 * packages come from apt-get or brew. Idempotent (what is present is only reported) and it says
 * what it found. The repository's scripts/setup.mjs runs this same function.
 */
import { accessSync, constants } from 'node:fs';
import { cachedToxiproxy, cacheDir } from '../topology/tool-cache.ts';
import { onPath } from '../topology/binaries.ts';
import { PLAYWRIGHT_INSTALL } from '../client/chromium/playwright-module.ts';
import { findChromium, findNginx, findPlaywrightCore, findProxy, findToxiproxy, type Found } from './find.ts';
import { installHint } from './hints.ts';
import type { Row } from './report.ts';
import { installSystemPackage, systemInstaller, type SystemInstaller } from './system-packages.ts';
import { buildToxiproxy } from './toxiproxy-build.ts';

export interface ProvisionOptions {
  env?: NodeJS.ProcessEnv;
  /** Install system packages (nginx, and chromium when required) with apt-get or brew. */
  withDeps?: boolean;
  /** `require`: a missing Chromium fails; `optional`: report it if present; `skip`: do not look. */
  browser?: 'require' | 'optional' | 'skip';
  /** Only look, never install anything. */
  checkOnly?: boolean;
  /** Other proxies a run will use (`--proxy`): a missing one fails; the others are only reported. */
  proxies?: ReadonlyArray<'haproxy' | 'caddy'>;
}

export interface ProvisionResult {
  ok: boolean;
  rows: Row[];
  /** One message per missing tool, with the commands that provide it. */
  failures: string[];
  cacheDir: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function detectInstaller(env: NodeJS.ProcessEnv): SystemInstaller | undefined {
  return systemInstaller({
    platform: process.platform,
    isRoot: process.getuid?.() === 0,
    hasApt: executable('/usr/bin/apt-get'),
    hasSudo: onPath('sudo', env.PATH).length > 0,
    hasBrew: onPath('brew', env.PATH).length > 0,
  });
}

const row = (name: string, found: Found, status: Row['status'] = 'ok'): Row => ({
  name,
  status,
  detail: `${found.version}  ${found.path}`,
});

export async function provision(options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const env = options.env ?? process.env;
  const browser = options.browser ?? 'optional';
  const installer = options.withDeps && !options.checkOnly ? detectInstaller(env) : undefined;
  const rows: Row[] = [];
  const failures: string[] = [];
  const toxiPath = cachedToxiproxy(env);

  const [nginxFound, toxiSearch, chromiumFound] = await Promise.all([
    findNginx(env),
    findToxiproxy(env),
    browser === 'skip' ? Promise.resolve(undefined) : findChromium(env),
  ]);

  let nginx = nginxFound;
  if (!nginx && installer && (await installSystemPackage(installer, 'nginx', env))) {
    nginx = await findNginx(env);
    if (nginx) rows.push(row('nginx', nginx, 'installed'));
  } else if (nginx) rows.push(row('nginx', nginx));
  if (!nginx) {
    rows.push({ name: 'nginx', status: 'missing', detail: 'not found' });
    failures.push(installHint('nginx', toxiPath));
  }

  for (const kind of ['haproxy', 'caddy'] as const) {
    const required = options.proxies?.includes(kind) ?? false;
    let found = await findProxy(kind, env);
    if (found) rows.push(row(kind, found));
    else if (required && installer && (await installSystemPackage(installer, kind, env))) {
      found = await findProxy(kind, env);
      if (found) rows.push(row(kind, found, 'installed'));
    }
    if (!found) {
      rows.push({
        name: kind,
        status: required ? 'missing' : 'skipped',
        detail: required ? 'not found' : `not found (optional: install --proxy ${kind})`,
      });
      if (required) failures.push(installHint(kind, toxiPath));
    }
  }

  let toxi = toxiSearch.found;
  let buildProblem: string | undefined;
  if (toxi) rows.push(row('toxiproxy', toxi));
  else if (!options.checkOnly) {
    buildProblem = await buildToxiproxy(env);
    toxi = buildProblem ? undefined : (await findToxiproxy(env)).found;
    if (toxi) rows.push(row('toxiproxy', toxi, 'installed'));
  }
  if (!toxi) {
    const seen = toxiSearch.others.length ? ` (found only ${toxiSearch.others.join(', ')})` : '';
    rows.push({ name: 'toxiproxy', status: 'missing', detail: `v2.12.0 not found${seen}` });
    failures.push(
      installHint('toxiproxy', toxiPath) + (buildProblem ? `\n  (automatic build: ${buildProblem})` : ''),
    );
  }

  if (browser === 'skip') rows.push({ name: 'chromium', status: 'skipped', detail: 'not needed' });
  else {
    let chromium = chromiumFound;
    if (chromium) rows.push(row('chromium', chromium));
    else if (browser === 'require' && installer && (await installSystemPackage(installer, 'chromium', env))) {
      chromium = await findChromium(env);
      if (chromium) rows.push(row('chromium', chromium, 'installed'));
    }
    if (!chromium) {
      rows.push({
        name: 'chromium',
        status: browser === 'require' ? 'missing' : 'skipped',
        detail: browser === 'require' ? 'not found' : 'not found (optional: install --browser)',
      });
      if (browser === 'require') failures.push(installHint('chromium', toxiPath));
    }
    if (browser === 'require') {
      const pw = findPlaywrightCore();
      if (pw) rows.push(row('playwright-core', pw));
      else {
        rows.push({ name: 'playwright-core', status: 'missing', detail: 'not installed (an optional peer)' });
        failures.push(
          `playwright-core is not installed: real-browser (chromium) clients attach to Chromium with it. ` +
            `Run \`${PLAYWRIGHT_INSTALL}\` in your project.`,
        );
      }
    }
  }
  return { ok: failures.length === 0, rows, failures, cacheDir: cacheDir(env) };
}
