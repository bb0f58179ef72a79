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
