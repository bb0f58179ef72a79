// Pure decision logic of scripts/setup.mjs (no I/O), kept apart so it is unit-testable.
// Plain ESM JavaScript: setup must run before npm dependencies (tsx included) exist.

/** Pinned toxiproxy release: the fault semantics in harness/faults are written against it. */
export const TOXIPROXY_VERSION = '2.12.0';
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';
export const MIN_NODE = '20.18.0';

/** `nginx version: nginx/1.22.1` -> `1.22.1`. */
export function parseNginxVersion(output) {
  return /nginx\/(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** `toxiproxy-server version 2.12.0` -> `2.12.0` (`git` for a build without -ldflags: undefined). */
export function parseToxiproxyVersion(output) {
  return /(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** `go version go1.23.4 linux/amd64` -> `1.23.4`. */
export function parseGoVersion(output) {
  return /go(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

/** `Chromium 156.0.8078.79 built on ...` -> `156.0.8078.79`. */
export function parseChromiumVersion(output) {
  return /(\d+\.\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** Compares dotted versions numerically: <0, 0, >0. */
export function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Are the installed packages (node_modules/.package-lock.json, written by npm) those of
 * package-lock.json? Optional packages (other platforms' binaries) only count when installed.
 * Returns undefined when in sync, else the first difference as a reason.
 */
export function depsOutOfSync(lock, installed) {
  if (!installed?.packages) return 'node_modules has no .package-lock.json (not installed by npm)';
  for (const [path, entry] of Object.entries(lock?.packages ?? {})) {
    if (path === '' || entry.link) continue;
    const have = installed.packages[path];
    if (!have) {
      if (entry.optional || entry.devOptional || entry.peer) continue;
      return `${path.replace(/^node_modules\//, '')} is missing`;
    }
    if (have.version !== entry.version) {
      return `${path.replace(/^node_modules\//, '')} is ${have.version}, package-lock.json wants ${entry.version}`;
    }
  }
  return undefined;
}

/** The npm command that brings node_modules in line. */
export function npmPlan({ hasNodeModules, hasLock }) {
  if (!hasNodeModules)
    return hasLock ? ['ci', '--no-fund', '--no-audit'] : ['install', '--no-fund', '--no-audit'];
  return ['install', '--no-fund', '--no-audit'];
}

/** How to get a missing system package: install it ourselves with apt, or tell the user how. */
export function systemInstallPlan({ isRoot, hasApt, noInstall }) {
  return isRoot && hasApt && !noInstall ? 'apt' : 'manual';
}

/** apt packages to try, in order (nginx-light is gone from newer Debian/Ubuntu releases). */
export const APT_PACKAGES = { nginx: ['nginx-light', 'nginx'], chromium: ['chromium', 'chromium-browser'] };

/** The message for a tool we could not provide, with the commands that provide it. */
export function installHint(tool, toolsDir) {
  const toolsBin = `${toolsDir}/bin`;
  switch (tool) {
    case 'nginx':
      return [
        'nginx was not found (PATH, /usr/sbin/nginx). Install it, then run `node scripts/setup.mjs` again:',
        '  Debian/Ubuntu: sudo apt-get install -y nginx-light   (or nginx)',
        '  Fedora/RHEL:   sudo dnf install -y nginx',
        '  macOS:         brew install nginx',
        '  or point SSE_CHAOS_NGINX at an nginx binary.',
      ].join('\n');
    case 'toxiproxy':
      return [
        `toxiproxy-server v${TOXIPROXY_VERSION} was not found (PATH, ${toolsBin}) and could not be built.`,
        `  With Go >= 1.23:  GOBIN=${toolsDir}/gobin go install -ldflags "-X ${TOXIPROXY_MODULE}.Version=${TOXIPROXY_VERSION}" ${TOXIPROXY_MODULE}/cmd/server@v${TOXIPROXY_VERSION}`,
        `                    then: mv ${toolsDir}/gobin/server ${toolsBin}/toxiproxy-server`,
        `  Or download:      curl -fsSL -o ${toolsBin}/toxiproxy-server https://github.com/Shopify/toxiproxy/releases/download/v${TOXIPROXY_VERSION}/toxiproxy-server-linux-amd64 && chmod +x ${toolsBin}/toxiproxy-server`,
        '                    (use -darwin-arm64 / -darwin-amd64 on macOS)',
        '  or point SSE_CHAOS_TOXIPROXY at a toxiproxy-server v' + TOXIPROXY_VERSION + ' binary.',
      ].join('\n');
    case 'chromium':
      return [
        'chromium was not found (needed by the HTML report browser test). Install it, or set SSE_CHAOS_SKIP_BROWSER=1:',
        '  Debian/Ubuntu: sudo apt-get install -y chromium   (Ubuntu: chromium-browser)',
        '  Fedora/RHEL:   sudo dnf install -y chromium',
        '  macOS:         brew install --cask chromium',
        '  or point SSE_CHAOS_CHROMIUM at a Chromium/Chrome binary.',
      ].join('\n');
    default:
      return `${tool} is missing`;
  }
}

/** The few lines setup prints: one per component, aligned. */
export function formatReport(rows, elapsedMs, ok) {
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = rows.map(
    (r) => `  ${r.name.padEnd(width)}  ${r.status === 'ok' ? '' : `[${r.status}] `}${r.detail}`,
  );
  return [`sse-chaos setup: ${ok ? 'ok' : 'FAILED'} (${Math.round(elapsedMs)} ms)`, ...lines].join('\n');
}
