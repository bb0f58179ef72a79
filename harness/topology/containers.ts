/**
 * The containers runtime (testcontainers 11): toxiproxy and nginx in containers on one network, the
 * target as a host process reached through `exposeHostPorts` (one SSH-tunnel hop more than local:
 * keep it in mind for latency baselines). Only "how a component starts" differs from local: the
 * rendered config, the proxy legs, the readiness probes and target control are the shared ones.
 *
 * Needs a Docker engine; CI (GitHub Actions ubuntu runners) has one. Not exercised on machines without.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import type { Leg } from '../history/records.ts';
import type { NginxControl, Topology } from './topology.ts';
import { parseNginxVersion, parseToxiproxyVersion } from './binaries.ts';
import { InfrastructureError } from './errors.ts';
import { guardDir, releaseDir } from './guardian.ts';
import type { StartOptions } from './local.ts';
import { renderNginxConfig, type ProfileParams } from './nginx-profiles.ts';
import { CONTAINER_PORTS, containerPlacement } from './container-layout.ts';
import { liveWorkers, waitForGeneration, workersRetired } from './nginx-probe.ts';
import { createLeg, setLegEnabled } from './proxies.ts';
import { httpGet, tail, waitUntil } from './readiness.ts';
import { startLocalTarget } from './target-local.ts';
import { importTestcontainers } from './testcontainers-module.ts';
import { targetEndpoints } from './target.ts';

/** Pinned images: the toxiproxy release the harness is written for, and Debian 12's nginx version. */
export const TOXIPROXY_IMAGE = 'ghcr.io/shopify/toxiproxy:2.12.0';
export const NGINX_IMAGE = 'nginx:1.22.1-alpine';

const PORTS = CONTAINER_PORTS;
const placement = containerPlacement;
const CONF = '/etc/sse-chaos/nginx.conf';

function collect(into: { text: string }): (stream: Readable) => void {
  return (stream) => {
    stream.on('data', (chunk: Buffer | string) => {
      into.text += chunk.toString();
      if (into.text.length > 1 << 20) into.text = into.text.slice(-(1 << 20));
    });
  };
}

async function step<T>(
  component: string,
  what: string,
  log: () => string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InfrastructureError) throw err;
    throw new InfrastructureError(component, `${what}: ${(err as Error).message}`, tail(log()), {
      cause: err,
    });
  }
}

export async function startContainersTopology(options: StartOptions): Promise<Topology> {
  const { profile, profileParams, target, signal } = options;
  const { GenericContainer, Network, TestContainers, Wait } = await importTestcontainers();
  const cleanups: Array<() => Promise<unknown>> = [];
  const runCleanups = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    cleanups.length = 0;
  };
  const toxiLog = { text: '' };
  const nginxLog = { text: '' };
  try {
    const workDir = await mkdtemp(join(tmpdir(), 'sse-chaos-target-'));
    guardDir(workDir);
    cleanups.push(async () => {
      await rm(workDir, { recursive: true, force: true });
      releaseDir(workDir);
    });

    // The target runs on the host (same code as local); containers reach it through the tunnel.
    const tgt = await startLocalTarget(target, { workDir, signal });
    cleanups.push(tgt.stop);
    const targetUrl = new URL(tgt.baseUrl);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(targetUrl.hostname);
    const targetPort = Number(targetUrl.port || 80);
    if (loopback)
      await step(
        'docker',
        'exposeHostPorts',
        () => '',
        () => TestContainers.exposeHostPorts(targetPort),
      );
    const originUpstream = loopback ? `host.testcontainers.internal:${targetPort}` : tgt.address;

    const network = await step(
      'docker',
      'creating the network',
      () => '',
      () => new Network().start(),
    );
    cleanups.push(() => network.stop());

    const toxiC = await step(
      'toxiproxy',
      `starting ${TOXIPROXY_IMAGE}`,
      () => toxiLog.text,
      () =>
        new GenericContainer(TOXIPROXY_IMAGE)
          .withNetwork(network)
          .withNetworkAliases('toxiproxy')
          .withExposedPorts(PORTS.api, PORTS.edge, PORTS['edge-b'], PORTS.origin)
          .withLogConsumer(collect(toxiLog))
          // The image has no shell: port and exec based waits fail; the API answers when it is up.
          .withWaitStrategy(Wait.forHttp('/version', PORTS.api))
          .start(),
    );
    cleanups.push(() => toxiC.stop());
    const host = toxiC.getHost();
    const api = `http://${host}:${toxiC.getMappedPort(PORTS.api)}`;
    const client = new Toxiproxy(api);
    const origin = await createLeg(client, 'origin', `0.0.0.0:${PORTS.origin}`, originUpstream);

    let generation = 1;
    let currentProfile = profile;
    let currentParams: ProfileParams | undefined = profileParams;
    const render = (p: string, g: number, params: ProfileParams | undefined): string =>
      renderNginxConfig(p, { placement, params, generation: g });
    let config = render(profile, generation, currentParams);

    // toxiproxy (and its alias) must exist before nginx resolves its upstream at startup.
    const nginxC = await step(
      'nginx',
      `starting ${NGINX_IMAGE}`,
      () => nginxLog.text,
      () =>
        new GenericContainer(NGINX_IMAGE)
          .withNetwork(network)
          .withNetworkAliases('nginx')
          .withExposedPorts(PORTS.nginx)
          .withCopyContentToContainer([{ content: config, target: CONF }])
          .withCommand(['nginx', '-c', CONF, '-g', 'daemon off;'])
          .withLogConsumer(collect(nginxLog))
          .withWaitStrategy(Wait.forHttp('/__sse_chaos/nginx', PORTS.nginx))
          .start(),
    );
    cleanups.push(() => nginxC.stop());
    const nginxAddress = `${nginxC.getHost()}:${nginxC.getMappedPort(PORTS.nginx)}`;
    await waitForGeneration({
      address: nginxAddress,
      profile,
      generation,
      logTail: () => nginxLog.text,
      signal,
    });

    const [edge, edgeB] = await Promise.all([
      createLeg(client, 'edge', `0.0.0.0:${PORTS.edge}`, `nginx:${PORTS.nginx}`),
      createLeg(client, 'edge-b', `0.0.0.0:${PORTS['edge-b']}`, `nginx:${PORTS.nginx}`),
    ]);
    const proxies: Record<Leg, Proxy> = { edge, 'edge-b': edgeB, origin };

    const nginxVersionOut = await nginxC.exec(['nginx', '-v']);
    const toxiVersion = await httpGet(`${api}/version`);

    const nginxControl: NginxControl = {
      get profile() {
        return currentProfile;
      },
      get config() {
        return config;
      },
      async reload(next: string, nextParams?: ProfileParams) {
        const params = nextParams ?? currentParams;
        const rendered = render(next, generation + 1, params);
        await nginxC.copyContentToContainer([{ content: rendered, target: CONF }]);
        const test = await nginxC.exec(['nginx', '-t', '-q', '-c', CONF]);
        if (test.exitCode !== 0) {
          await nginxC.copyContentToContainer([{ content: config, target: CONF }]);
          throw new InfrastructureError(
            'nginx',
            `profile "${next}" does not pass nginx -t; kept "${currentProfile}"`,
            test.output,
          );
        }
        generation += 1;
        const oldWorkers = liveWorkers(nginxLog.text);
        await nginxC.exec(['nginx', '-c', CONF, '-s', 'reload']);
        await waitForGeneration({
          address: nginxAddress,
          profile: next,
          generation,
          logTail: () => nginxLog.text,
        });
        // Same as local: resolve only once old workers stopped accepting new connections.
        await waitUntil({
          component: 'nginx',
          what: 'the old workers stop accepting after the reload',
          check: async () => workersRetired(nginxLog.text, oldWorkers),
          logTail: () => nginxLog.text,
          timeoutMs: 10_000,
        });
        currentProfile = next;
        currentParams = params;
        config = rendered;
      },
      async quit() {
        await nginxC.exec(['nginx', '-c', CONF, '-s', 'quit']);
      },
      errorLog: async () => nginxLog.text,
    };

    const ends = targetEndpoints(target);
    let stopped: Promise<void> | undefined;
    return {
      runtime: 'containers',
      urls: {
        stream: `http://${host}:${toxiC.getMappedPort(PORTS.edge)}${ends.streamPath}`,
        streamB: `http://${host}:${toxiC.getMappedPort(PORTS['edge-b'])}${ends.streamPath}`,
        publish: new URL(ends.publish.url ?? ends.publish.path ?? '/', tgt.baseUrl).toString(),
        metrics: `${tgt.baseUrl}${ends.metricsPath}`,
        targetDirect: tgt.baseUrl,
        nginxDirect: `http://${nginxAddress}`,
        toxiproxyApi: api,
      },
      versions: {
        nginx: parseNginxVersion(nginxVersionOut.output) ?? NGINX_IMAGE,
        toxiproxy: parseToxiproxyVersion(toxiVersion.body) ?? 'unknown',
        node: process.version,
        runtime: 'containers',
      },
      toxiproxy: client,
      proxy: (leg) => proxies[leg],
      setLegEnabled: (leg, enabled) => setLegEnabled(client, leg, enabled),
      nginx: nginxControl,
      target: tgt.control,
      logs: async () => ({ nginxError: nginxLog.text, toxiproxy: toxiLog.text, target: tgt.control.logs() }),
      stop: () => (stopped ??= runCleanups()),
    };
  } catch (err) {
    await runCleanups();
    throw err;
  }
}
