/** Types for docker-http.mjs (plain ESM so the sweeper process needs no TypeScript loader). */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number };

export function dockerEndpoint(env?: NodeJS.ProcessEnv): DockerEndpoint | undefined;
export function dockerRequest(
  endpoint: DockerEndpoint,
  method: string,
  path: string,
  timeoutMs?: number,
): Promise<{ status: number; body: string }>;
export function pingEngine(endpoint: DockerEndpoint | undefined, timeoutMs?: number): Promise<boolean>;
export function listContainers(
  endpoint: DockerEndpoint,
  labels: string[],
): Promise<Array<{ id: string; labels: Record<string, string>; state: string }>>;
export function listNetworks(
  endpoint: DockerEndpoint,
  labels: string[],
): Promise<Array<{ id: string; labels: Record<string, string> }>>;
export function removeByLabels(
  endpoint: DockerEndpoint,
  labels: string[],
): Promise<{ containers: string[]; networks: string[] }>;
