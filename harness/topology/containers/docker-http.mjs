// The few Docker Engine API calls that must work without testcontainers loaded: a ping (is the
// engine up?) and a sweep by label (remove a run's containers and networks). Plain Node ESM, no
// dependencies, because the sweeper process (sweeper.mjs) uses it and must start in milliseconds.
import { Buffer } from 'node:buffer';
import { request } from 'node:http';

/**
 * Where the engine listens: `{ socketPath }` or `{ host, port }` (plain TCP). TLS endpoints
 * (DOCKER_TLS_VERIFY) are not handled here: the answer is undefined and callers say so.
 */
export function dockerEndpoint(env = process.env) {
  const host = env.DOCKER_HOST;
  if (!host) return { socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('tcp://') && !env.DOCKER_TLS_VERIFY) {
    const url = new URL(`http://${host.slice('tcp://'.length)}`);
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  return undefined;
}

/** One API call; resolves `{ status, body }`, rejects on network errors and after `timeoutMs`. */
export function dockerRequest(endpoint, method, path, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const req = request(
      { ...endpoint, method, path, timeout: timeoutMs, headers: { host: 'docker' } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`docker ${method} ${path} timed out after ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

/** True when the engine answers `GET /_ping` with OK within `timeoutMs`. */
export async function pingEngine(endpoint, timeoutMs = 2_000) {
  if (!endpoint) return false;
  try {
    const { status, body } = await dockerRequest(endpoint, 'GET', '/_ping', timeoutMs);
    return status === 200 && body.trim() === 'OK';
  } catch {
    return false;
  }
}

const filterQuery = (labels) => encodeURIComponent(JSON.stringify({ label: labels }));

/** Containers (any state) carrying every `key=value` in `labels`: `[{ id, labels, state }]`. */
export async function listContainers(endpoint, labels) {
  const res = await dockerRequest(endpoint, 'GET', `/containers/json?all=1&filters=${filterQuery(labels)}`);
  if (res.status !== 200) throw new Error(`docker: listing containers failed (${res.status}): ${res.body}`);
  return JSON.parse(res.body).map((c) => ({ id: c.Id, labels: c.Labels ?? {}, state: c.State }));
}

/** Networks carrying every `key=value` in `labels`: `[{ id, labels }]`. */
export async function listNetworks(endpoint, labels) {
  const res = await dockerRequest(endpoint, 'GET', `/networks?filters=${filterQuery(labels)}`);
  if (res.status !== 200) throw new Error(`docker: listing networks failed (${res.status}): ${res.body}`);
  return JSON.parse(res.body).map((n) => ({ id: n.Id, labels: n.Labels ?? {} }));
}

/**
 * Removes (force, with anonymous volumes) every container, then every network, matching `labels`.
 * Resolves with the ids removed; 404s (already gone) are fine.
 */
export async function removeByLabels(endpoint, labels) {
  const removed = { containers: [], networks: [] };
  for (const c of await listContainers(endpoint, labels)) {
    const res = await dockerRequest(endpoint, 'DELETE', `/containers/${c.id}?force=1&v=1`, 30_000);
    if (res.status === 204 || res.status === 404) removed.containers.push(c.id);
    else
      throw new Error(`docker: removing container ${c.id.slice(0, 12)} failed (${res.status}): ${res.body}`);
  }
  for (const n of await listNetworks(endpoint, labels)) {
    const res = await dockerRequest(endpoint, 'DELETE', `/networks/${n.id}`, 30_000);
    if (res.status === 204 || res.status === 404) removed.networks.push(n.id);
    else throw new Error(`docker: removing network ${n.id.slice(0, 12)} failed (${res.status}): ${res.body}`);
  }
  return removed;
}
