// Types for setup-lib.mjs (plain JS so setup runs before npm dependencies exist).
export declare const MIN_NODE: string;
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
export interface ClusterTool {
  command: string;
  pkg: string;
  for: string;
}
export declare const CLUSTER_TOOLS: readonly ClusterTool[];
export declare function clusterToolsPlan(state: {
  have: Record<string, boolean>;
  isRoot: boolean;
  hasApt: boolean;
}): { install: string[]; missing: ClusterTool[] };
