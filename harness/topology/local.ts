/**
 * The local runtime: toxiproxy-server, the proxy (nginx, HAProxy or Caddy) and the target as child
 * processes on free loopback ports. Start order follows the data path backwards (target, origin leg,
 * proxy, edge legs); every component started is stopped again if a later one fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Topology } from './topology.ts';
import { locateToxiproxy, nginxVersion, proxyVersion } from './binaries.ts';
import { InfrastructureError, TopologyConfigError } from './errors.ts';
import { guardDir, releaseDir } from './guardian.ts';
import { startLocalNginx } from './nginx-local.ts';
import type { ProfileParams } from './nginx-profiles.ts';
import { DEFAULT_PROXY, type ProxyKind } from './proxy-kind.ts';
import { startLocalProxy } from './proxy-local.ts';
import { locateProxy } from './proxy-syntax.ts';
import type { UserProxyConfig } from './user-config.ts';
import { Owner } from './owner.ts';
import { PLACEHOLDER_UPSTREAM, createLeg, setLegUpstream } from './proxies.ts';
import { startLocalTarget } from './target-local.ts';
import { startLocalToxiproxy } from './toxiproxy-local.ts';
import { targetEndpoints, type TargetSpec } from './target.ts';

export interface StartOptions {
  profile: string;
  profileParams?: ProfileParams;
  target: TargetSpec;
  /** Clients reach nginx over TLS with a per-run certificate (HTTP/2 when `http2`). */
  tls?: { http2: boolean };
  /** The proxy kind (default nginx). */
  proxy?: ProxyKind;
  /** The user's own config of that kind, run as profile `user`. */
  userConfig?: UserProxyConfig;
  signal?: AbortSignal;
}

export async function startLocalTopology(options: StartOptions): Promise<Topology> {
  const { profile, profileParams, target, signal, userConfig } = options;
  const kind = options.proxy ?? DEFAULT_PROXY;
  if (options.tls && kind !== 'nginx')
    throw new TopologyConfigError(`topology.tls: TLS and HTTP/2 are built for nginx only; this stack runs ${kind}`);
  const proxyBinary = locateProxy(kind);
  const owner = new Owner();
  const checkAbort = (): void => {
    if (signal?.aborted) throw new InfrastructureError('topology', 'start aborted');
  };
  try {
    const workDir = await mkdtemp(join(tmpdir(), 'sse-chaos-target-'));
    guardDir(workDir);
    owner.own(async () => {
      await rm(workDir, { recursive: true, force: true });
      releaseDir(workDir);
    });

    // The target (often the slowest: a Node process compiling TypeScript) boots while the rest of
    // the path comes up; the origin leg points at a placeholder until the target's port is known.
    const infra = (async () => {
      const bin = await locateToxiproxy();
      const toxi = await startLocalToxiproxy(bin.path, signal);
      owner.own(() => toxi.process.stop(1_000).then(() => {}));
      const originLeg = await createLeg(toxi.client, 'origin', '127.0.0.1:0', PLACEHOLDER_UPSTREAM);
      checkAbort();
      const common = { profile, params: profileParams, upstream: originLeg.listen, signal };
      const user = userConfig ? { userConfig } : {};
      const proxy =
        kind === 'nginx'
          ? await startLocalNginx({ binary: proxyBinary, ...common, ...user, ...(options.tls ? { tls: options.tls } : {}) })
          : await startLocalProxy({ kind, binary: proxyBinary, ...common, ...user });
      owner.own(proxy.stop);
      checkAbort();
      const [edge, edgeB] = await Promise.all([
        createLeg(toxi.client, 'edge', '127.0.0.1:0', proxy.address),
        createLeg(toxi.client, 'edge-b', '127.0.0.1:0', proxy.address),
      ]);
      return { toxi: { ...toxi, version: bin.version }, proxy, edge, edgeB };
    })();
    const targetStart = startLocalTarget(target, { workDir, signal }).then((started) => {
      owner.own(started.stop);
      return started;
    });
    // allSettled, not all: a failure must not run the cleanups while the other branch still starts things.
    const [infraResult, targetResult, versionResult] = await Promise.allSettled([
      infra,
      targetStart,
      kind === 'nginx' ? nginxVersion(proxyBinary) : proxyVersion(kind, proxyBinary),
    ]);
    for (const r of [infraResult, targetResult, versionResult]) if (r.status === 'rejected') throw r.reason;
    const { toxi, proxy, edge, edgeB } = (infraResult as PromiseFulfilledResult<Awaited<typeof infra>>).value;
    const tgt = (targetResult as PromiseFulfilledResult<Awaited<typeof targetStart>>).value;
    const proxyVer = (versionResult as PromiseFulfilledResult<string>).value;
    checkAbort();
    await setLegUpstream(toxi.client, 'origin', tgt.address);

    const ends = targetEndpoints(target);
    const certificate = 'certificate' in proxy && typeof proxy.certificate === 'string' ? proxy.certificate : undefined;
    const scheme = certificate !== undefined ? 'https' : 'http';
    const topology: Topology = {
      runtime: 'local',
      ...(certificate !== undefined && options.tls
        ? { tls: { certificate, http2: options.tls.http2 } }
        : {}),
      urls: {
        stream: `${scheme}://${edge.listen}${ends.streamPath}`,
        streamB: `${scheme}://${edgeB.listen}${ends.streamPath}`,
        publish: new URL(ends.publish.url ?? ends.publish.path ?? '/', tgt.baseUrl).toString(),
        metrics: `${tgt.baseUrl}${ends.metricsPath}`,
        targetDirect: tgt.baseUrl,
        nginxDirect: `${scheme}://${proxy.address}`,
        toxiproxyApi: toxi.api,
      },
      versions: {
        nginx: kind === 'nginx' ? proxyVer : 'not used',
        ...(kind === 'nginx' ? {} : { proxy: `${kind} ${proxyVer}` }),
        toxiproxy: toxi.version,
        node: process.version,
        runtime: 'local',
      },
      proxy: proxy.control,
      target: tgt.control,
      logs: async () => ({
        proxyError: await proxy.control.errorLog(),
        toxiproxy: toxi.process.output(),
        target: tgt.control.logs(),
      }),
      processes: () => {
        const targetPid = tgt.pid();
        return [
          { component: 'toxiproxy', pid: toxi.process.pid },
          { component: kind, pid: proxy.pid },
          ...(targetPid === undefined ? [] : [{ component: 'target', pid: targetPid }]),
        ];
      },
      stop: () => owner.stop(),
    };
    return topology;
  } catch (err) {
    await owner.stop();
    throw err;
  }
}
