// Pure decision logic of scripts/setup.mjs (no I/O), kept apart so it is unit-testable.
// Plain ESM JavaScript: setup must run before npm dependencies (tsx included) exist.

export const MIN_NODE = '20.19.0';

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

/**
 * The tools of the cluster and network suites, by command, with the Debian package that provides it:
 * redis-server (several instances on a shared Redis log), nft (packet loss below TCP) and ip / tc
 * (network namespaces, veth pairs, qdiscs).
 */
export const CLUSTER_TOOLS = [
  {
    command: 'redis-server',
    pkg: 'redis-server',
    for: 'the cluster suite (a Redis log shared by instances)',
  },
  { command: 'nft', pkg: 'nftables', for: 'the network suite (packet loss)' },
  { command: 'ip', pkg: 'iproute2', for: 'the network suite (namespaces, veth pairs)' },
  { command: 'tc', pkg: 'iproute2', for: 'the network suite (rate limits, netem)' },
];

/**
 * What to do about the cluster and network suites' tools: `install` (apt packages, root with apt
 * only: CI on a fresh machine) and `missing` (tools left without, each with its package). Missing
 * tools are not a setup failure: those suites report their scenarios as skipped with the reason.
 */
export function clusterToolsPlan({ have, isRoot, hasApt }) {
  const absent = CLUSTER_TOOLS.filter((t) => !have[t.command]);
  const pkgs = [...new Set(absent.map((t) => t.pkg))];
  if (absent.length === 0) return { install: [], missing: [] };
  if (isRoot && hasApt) return { install: pkgs, missing: [] };
  return { install: [], missing: absent };
}
