/**
 * The containers runtime (testcontainers 11): toxiproxy and nginx in containers on one network per
 * run; the target either as a container too (the reference server's image: the default for the
 * reference server) or as a host process reached through a per-run SSH tunnel (a user's command or
 * URL target, or SSE_CHAOS_CONTAINER_TARGET=host; one hop more: keep it in mind for latency
 * baselines). Only "how a component starts" differs from local: the rendered config, the proxy legs,
 * the readiness probes and target control are the shared ones.
 *
 * Images are the official ones where a registry answers, else built on this machine (provision.ts);
 * missing images are built before the stack starts. Ryuk is off (its image needs a registry): every
 * container and the network carry the run's labels and are removed on stop, by the sweeper if this
 * process dies, and by the stale sweep at the next start (sweep.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { TargetControl, Topology } from './topology.ts';
import { parseNginxVersion, parseToxiproxyVersion } from './binaries.ts';
import { InfrastructureError, TopologyConfigError } from './errors.ts';
import { guardDir, releaseDir } from './guardian.ts';
import type { StartOptions } from './local.ts';
import { renderNginxConfig, type ProfileParams } from './nginx-profiles.ts';
import { CONTAINER_PORTS, CONTAINER_TLS, containerPlacement } from './container-layout.ts';
import { nginxControl } from './nginx-control.ts';
import { waitForGeneration } from './nginx-probe.ts';
import { Owner } from './owner.ts';
import { createLeg } from './proxies.ts';
import { httpGet, tail } from './readiness.ts';
import { startLocalTarget } from './target-local.ts';
import { targetEndpoints, type TargetSpec } from './target.ts';
import { makeRunCertificate, type RunCertificate } from './tls-cert.ts';
import { HOST_ALIAS, startHostTunnel } from './containers/host-tunnel.ts';
import { dockerClient, endpointOf, type Docker } from './containers/image-store.ts';
import { newRunId, runLabels } from './containers/labels.ts';
import { ensureImages, planImages } from './containers/provision.ts';
import type { StackImage } from './containers/recipes.ts';
import { withPortRetry } from './containers/port-retry.ts';
import { guardRun, releaseRun, sweepRun, sweepStale } from './containers/sweep.ts';
import { startContainerTarget } from './containers/target-container.ts';
import { loadTestcontainers } from './containers/testcontainers-env.ts';

export { OFFICIAL_IMAGES } from './containers/recipes.ts';

const PORTS = CONTAINER_PORTS;
const placement = containerPlacement;
const CONF = '/etc/sse-chaos/nginx.conf';
/** The command that makes the engine and the images ready (the fix we print). */
export const PROVISION_COMMAND = 'npx tsx scripts/containers.ts --start-engine';

export type TargetPlacement = 'container' | 'host';

/** Where the target runs: SSE_CHAOS_CONTAINER_TARGET=container|host; only the reference server has an image. */
export function targetPlacement(spec: TargetSpec, env = process.env): TargetPlacement {
  const v = env.SSE_CHAOS_CONTAINER_TARGET?.trim();
  if (v && v !== 'container' && v !== 'host')
    throw new TopologyConfigError(`SSE_CHAOS_CONTAINER_TARGET must be container or host; got "${v}"`);
  if (spec.kind !== 'reference') {
    if (v === 'container')
      throw new TopologyConfigError(
        `SSE_CHAOS_CONTAINER_TARGET=container needs the reference server; a "${spec.kind}" target runs on the host`,
      );
    return 'host';
  }
  return v === 'host' ? 'host' : 'container';
}

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
    if (err instanceof InfrastructureError || err instanceof TopologyConfigError) throw err;
    throw new InfrastructureError(component, `${what}: ${(err as Error).message}`, tail(log()), {
      cause: err,
    });
  }
}

/** The engine, or an InfrastructureError that says how to get one. */
async function engine(): Promise<Docker> {
  try {
    return await dockerClient();
  } catch (err) {
    throw new InfrastructureError(
      'docker',
      `no container engine answers (${(err as Error).message.split('\n')[0]}). Fix: ${PROVISION_COMMAND}`,
      '',
      { cause: err },
    );
  }
}

/** The images for `want`, built or pulled now when missing; an InfrastructureError with the fix otherwise. */
async function images(docker: Docker, want: StackImage[]): Promise<Record<StackImage, string>> {
  const plan = await step(
    'docker',
    'checking the images',
    () => '',
    () => planImages(docker, { want }),
  );
  if (!plan.missing.length) return plan.refs;
  if (plan.problem)
    throw new InfrastructureError(
      'docker',
      `images missing (${plan.missing.join(', ')}) and they cannot be made here: ${plan.problem}. Fix: ${PROVISION_COMMAND}`,
    );
  const log = (line: string) => process.stderr.write(`sse-chaos containers: ${line}\n`);
  log(
    `images missing (${plan.missing.join(', ')}): ${plan.source === 'local' ? 'building them (once)' : 'pulling them'}`,
  );
  const result = await step(
    'docker',
    'provisioning the images',
    () => '',
    () => ensureImages({ docker, want, log }),
  );
  return result.plan.refs;
}

export async function startContainersTopology(options: StartOptions): Promise<Topology> {
  const { profile, profileParams, target, signal } = options;
  const where = targetPlacement(target);
  const { GenericContainer, Wait } = await loadTestcontainers();
  const docker = await engine();
  const endpoint = endpointOf(docker);
  if (endpoint) await sweepStale(endpoint).catch(() => {}); // Leftovers of dead owners; never blocks a run.
  const refs = await images(docker, ['toxiproxy', 'nginx', where === 'container' ? 'server' : 'sshd']);

  const runId = newRunId();
  const labels = (role: string) => runLabels(runId, role);
  const owner = new Owner();
  const toxiLog = { text: '' };
  const nginxLog = { text: '' };
  const checkAbort = (): void => {
    if (signal?.aborted) throw new InfrastructureError('topology', 'start aborted');
  };
  try {
    // Registered before anything exists: whatever this run creates is swept if we die from here on.
    if (endpoint) {
      guardRun(runId, endpoint);
      owner.own(async () => releaseRun(runId));
      owner.own(() => sweepRun(runId, endpoint));
    }
    const networkName = `sse-chaos-${runId}`;
    await step(
      'docker',
      'creating the network',
      () => '',
      () => docker.createNetwork({ Name: networkName, CheckDuplicate: true, Labels: labels('network') }),
    );
    checkAbort();

    // The target: a container on the network, or a host process behind the tunnel.
    let tgt: { baseUrl: string; upstream: string; control: TargetControl };
    if (where === 'container' && target.kind === 'reference') {
      const t = await step(
        'target',
        `starting ${refs.server}`,
        () => '',
        () =>
          withPortRetry(() =>
            startContainerTarget({
              docker,
              image: refs.server,
              network: networkName,
              labels: labels('target'),
              options: target.options,
              signal,
            }),
          ),
      );
      owner.own(t.stop);
      tgt = t;
    } else {
      const workDir = await mkdtemp(join(tmpdir(), 'sse-chaos-target-'));
      guardDir(workDir);
      owner.own(async () => {
        await rm(workDir, { recursive: true, force: true });
        releaseDir(workDir);
      });
      const local = await startLocalTarget(target, { workDir, signal });
      owner.own(local.stop);
      const url = new URL(local.baseUrl);
      let upstream = local.address;
      if (['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
        const port = Number(url.port || 80);
        const tunnel = await step(
          'docker',
          `starting the host tunnel (${refs.sshd})`,
          () => '',
          () => startHostTunnel({ image: refs.sshd, network: networkName, labels: labels('sshd') }),
        );
        owner.own(tunnel.close);
        await step(
          'docker',
          `tunnelling host port ${port}`,
          () => '',
          () => tunnel.expose(port),
        );
        upstream = `${HOST_ALIAS}:${port}`;
      }
      tgt = { baseUrl: local.baseUrl, upstream, control: local.control };
    }
    checkAbort();

    const toxiC = await step(
      'toxiproxy',
      `starting ${refs.toxiproxy}`,
      () => toxiLog.text,
      () =>
        withPortRetry(() =>
          new GenericContainer(refs.toxiproxy)
            .withNetworkMode(networkName)
            .withNetworkAliases('toxiproxy')
            .withExposedPorts(PORTS.api, PORTS.edge, PORTS['edge-b'])
            .withLabels(labels('toxiproxy'))
            .withLogConsumer(collect(toxiLog))
            // The official image has no shell: port and exec based waits fail; the API answers when it is up.
            .withWaitStrategy(Wait.forHttp('/version', PORTS.api))
            .start(),
        ),
    );
    owner.own(() => toxiC.stop());
    const host = toxiC.getHost();
    const api = `http://${host}:${toxiC.getMappedPort(PORTS.api)}`;
    const client = new Toxiproxy(api);
    await createLeg(client, 'origin', `0.0.0.0:${PORTS.origin}`, tgt.upstream);
    checkAbort();

    // TLS: the run's certificate is made on the host (a guarded temp dir) and copied next to the config.
    let cert: RunCertificate | undefined;
    let nginxPlacement = placement;
    if (options.tls) {
      const certDir = await mkdtemp(join(tmpdir(), 'sse-chaos-tls-'));
      guardDir(certDir);
      owner.own(async () => {
        await rm(certDir, { recursive: true, force: true });
        releaseDir(certDir);
      });
      cert = await makeRunCertificate(certDir);
      nginxPlacement = { ...placement, tls: { ...CONTAINER_TLS, http2: options.tls.http2 } };
    }
    const tlsFiles = cert
      ? [
          { content: cert.certificate, target: CONTAINER_TLS.certPath },
          { content: await readFile(cert.keyPath, 'utf8'), target: CONTAINER_TLS.keyPath },
        ]
      : [];
    const probe = Wait.forHttp('/__sse_chaos/nginx', PORTS.nginx);

    const generation = 1;
    const render = (p: string, g: number, params: ProfileParams | undefined): string =>
      renderNginxConfig(p, { placement: nginxPlacement, params, generation: g });
    const config = render(profile, generation, profileParams);

    // toxiproxy (and its alias) must exist before nginx resolves its upstream at startup.
    const nginxC = await step(
      'nginx',
      `starting ${refs.nginx}`,
      () => nginxLog.text,
      () =>
        withPortRetry(() =>
          new GenericContainer(refs.nginx)
            .withNetworkMode(networkName)
            .withNetworkAliases('nginx')
            .withExposedPorts(PORTS.nginx)
            .withLabels(labels('nginx'))
            .withCopyContentToContainer([{ content: config, target: CONF }, ...tlsFiles])
            .withCommand(['nginx', '-c', CONF, '-g', 'daemon off;'])
            .withLogConsumer(collect(nginxLog))
            .withWaitStrategy(cert ? probe.usingTls().allowInsecure() : probe)
            .start(),
        ),
    );
    owner.own(() => nginxC.stop());
    const nginxAddress = `${nginxC.getHost()}:${nginxC.getMappedPort(PORTS.nginx)}`;
    await waitForGeneration({
      address: nginxAddress,
      ...(cert ? { tls: true } : {}),
      profile,
      generation,
      logTail: () => nginxLog.text,
      signal,
    });

    await Promise.all([
      createLeg(client, 'edge', `0.0.0.0:${PORTS.edge}`, `nginx:${PORTS.nginx}`),
      createLeg(client, 'edge-b', `0.0.0.0:${PORTS['edge-b']}`, `nginx:${PORTS.nginx}`),
    ]);

    const nginxVersionOut = await nginxC.exec(['nginx', '-v']);
    const toxiVersion = await httpGet(`${api}/version`);

    const nginx = nginxControl(
      {
        address: nginxAddress,
        ...(cert ? { tls: true } : {}),
        writeConfig: (text) => nginxC.copyContentToContainer([{ content: text, target: CONF }]),
        testConfig: async () => {
          const test = await nginxC.exec(['nginx', '-t', '-q', '-c', CONF]);
          return test.exitCode === 0 ? undefined : test.output;
        },
        signalReload: async () => void (await nginxC.exec(['nginx', '-c', CONF, '-s', 'reload'])),
        signalQuit: async () => void (await nginxC.exec(['nginx', '-c', CONF, '-s', 'quit'])),
        errorLog: async () => nginxLog.text,
      },
      { profile, params: profileParams, config, generation, render },
    );

    const ends = targetEndpoints(target);
    const scheme = cert ? 'https' : 'http';
    return {
      runtime: 'containers',
      ...(cert && options.tls ? { tls: { certificate: cert.certificate, http2: options.tls.http2 } } : {}),
      urls: {
        stream: `${scheme}://${host}:${toxiC.getMappedPort(PORTS.edge)}${ends.streamPath}`,
        streamB: `${scheme}://${host}:${toxiC.getMappedPort(PORTS['edge-b'])}${ends.streamPath}`,
        publish: new URL(ends.publish.url ?? ends.publish.path ?? '/', tgt.baseUrl).toString(),
        metrics: `${tgt.baseUrl}${ends.metricsPath}`,
        targetDirect: tgt.baseUrl,
        nginxDirect: `${scheme}://${nginxAddress}`,
        toxiproxyApi: api,
      },
      versions: {
        nginx: parseNginxVersion(nginxVersionOut.output) ?? refs.nginx,
        toxiproxy: parseToxiproxyVersion(toxiVersion.body) ?? 'unknown',
        node: process.version,
        runtime: 'containers',
      },
      proxy: nginx,
      target: tgt.control,
      logs: async () => ({ proxyError: nginxLog.text, toxiproxy: toxiLog.text, target: tgt.control.logs() }),
      processes: () => [],
      stop: () => owner.stop(),
    };
  } catch (err) {
    await owner.stop();
    throw err;
  }
}
