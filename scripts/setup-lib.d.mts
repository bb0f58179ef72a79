// Types for setup-lib.mjs (plain JS so setup runs before npm dependencies exist).
export declare const TOXIPROXY_VERSION: string;
export declare const TOXIPROXY_MODULE: string;
export declare const MIN_NODE: string;
export declare const APT_PACKAGES: { nginx: string[]; chromium: string[] };
export declare function parseNginxVersion(output: string): string | undefined;
export declare function parseToxiproxyVersion(output: string): string | undefined;
export declare function parseGoVersion(output: string): string | undefined;
export declare function parseChromiumVersion(output: string): string | undefined;
export declare function compareVersions(a: string, b: string): number;
interface LockEntry {
  version?: string;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  link?: boolean;
}
export declare function depsOutOfSync(
  lock: { packages?: Record<string, LockEntry> } | undefined,
  installed: { packages?: Record<string, LockEntry> } | undefined,
): string | undefined;
export declare function npmPlan(state: { hasNodeModules: boolean; hasLock: boolean }): string[];
export declare function systemInstallPlan(state: {
  isRoot: boolean;
  hasApt: boolean;
  noInstall: boolean;
}): 'apt' | 'manual';
export declare function installHint(
  tool: 'nginx' | 'toxiproxy' | 'chromium' | string,
  toolsDir: string,
): string;
export declare function formatReport(
  rows: Array<{ name: string; status: 'ok' | 'installed' | 'missing' | 'skipped'; detail: string }>,
  elapsedMs: number,
  ok: boolean,
): string;
