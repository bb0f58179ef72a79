/**
 * The local runtime: toxiproxy-server, the proxy (nginx, HAProxy or Caddy) and the target as child
 * processes on free loopback ports. Start order follows the data path backwards (target, origin leg,
 * proxy, edge legs); every component started is stopped again if a later one fails.
 *
 * A target with several instances gets one origin leg each (`origin-1`, ...), all listed in the
 * proxy's upstream; with a Redis log the stack starts redis-server behind its own `redis` leg before
 * the instances. A target in a network namespace (faults below TCP) listens on the namespace's address.
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
import { instanceCount, instanceLeg, usesRedis } from './instances.ts';
import { createNetns, type LocalNetns } from './netns.ts';
import { startLocalRedis, type LocalRedis } from './redis-local.ts';
import { clusterControl, instanceControl, startLocalInstances } from './target-instances.ts';
import { startLocalTarget, type LocalTargetOptions } from './target-local.ts';
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
  /** Run the target in a network namespace of its own (faults below TCP; needs root). */
  netns?: boolean;
  signal?: AbortSignal;
}

export async function startLocalTopology(options: StartOptions): Promise<Topology> {
  const { profile, profileParams, target, signal, userConfig } = options;
  const kind = options.proxy ?? DEFAULT_PROXY;
  if (options.tls && kind !== 'nginx')
    throw new TopologyConfigError(
      `topology.tls: TLS and HTTP/2 are built for nginx only; this stack runs ${kind}`,
    );
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

    const count = instanceCount(target);
    const redisWanted = usesRedis(target);
    if (count > 1 && userConfig)
      throw new TopologyConfigError(
        `target.options.instances: ${count} instances run behind sse-chaos's own profiles; your ${kind} config names one {{upstream}}`,
      );
    if (options.netns && redisWanted)
      throw new TopologyConfigError(
        "a target in a network namespace cannot reach the stack's Redis (on the host's loopback): use a memory or file log",
      );
    const legNames = Array.from({ length: count }, (_, i) => instanceLeg(i, count));

    // The target (often the slowest: a Node process compiling TypeScript) boots while the rest of
    // the path comes up; the origin legs point at a placeholder until the targets' ports are known.
    const toxiP = (async () => {
      const bin = await locateToxiproxy();
      const toxi = await startLocalToxiproxy(bin.path, signal);
      owner.own(() => toxi.process.stop(1_000).then(() => {}));
      return { ...toxi, version: bin.version };
    })();
    const infra = (async () => {
      const toxi = await toxiP;
      const originLegs = await Promise.all(
        legNames.map((leg) => createLeg(toxi.client, leg, '127.0.0.1:0', PLACEHOLDER_UPSTREAM)),
      );
      checkAbort();
      const upstreams = originLegs.map((l) => l.listen);
      const common = {
        profile,
        params: profileParams,
        upstream: upstreams[0]!,
        ...(count > 1 ? { upstreams } : {}),
        signal,
      };
      const user = userConfig ? { userConfig } : {};
      const proxy =
        kind === 'nginx'
          ? await startLocalNginx({
              binary: proxyBinary,
              ...common,
              ...user,
              ...(options.tls ? { tls: options.tls } : {}),
            })
          : await startLocalProxy({ kind, binary: proxyBinary, ...common, ...user });
      owner.own(proxy.stop);
      checkAbort();
      const [edge, edgeB] = await Promise.all([
        createLeg(toxi.client, 'edge', '127.0.0.1:0', proxy.address),
        createLeg(toxi.client, 'edge-b', '127.0.0.1:0', proxy.address),
      ]);
      return { toxi, proxy, edge, edgeB, upstreams };
    })();
    // The shared log: redis-server behind its own leg, so partitions and latency to Redis are leg faults.
    const redisP = redisWanted
      ? (async () => {
          const [toxi, redis] = await Promise.all([
            toxiP,
            startLocalRedis({
              persistence:
                target.kind === 'reference' || target.kind === 'zoo'
                  ? target.options.redisPersistence
                  : 'none',
              ...(signal ? { signal } : {}),
            }).then((r: LocalRedis) => {
              owner.own(r.stop);
              return r;
            }),
          ]);
          const leg = await createLeg(toxi.client, 'redis', '127.0.0.1:0', redis.control.address);
          return { redis, leg };
        })()
      : undefined;
    const netnsP: Promise<LocalNetns> | undefined = options.netns
      ? createNetns().then((n) => {
          owner.own(n.remove);
          return n;
        })
      : undefined;
    const targetStart = (async () => {
      const [r, ns] = await Promise.all([redisP, netnsP]);
      checkAbort();
      const where: LocalTargetOptions = {
        workDir,
        signal,
        ...(r ? { redisUrl: `redis://${r.leg.listen}` } : {}),
        ...(ns
          ? {
              bind: '0.0.0.0',
              host: ns.control.controlAddress,
              upstreamHost: ns.control.nsAddress,
              wrap: ns.control.exec,
            }
          : {}),
      };
      if (count === 1) {
        const started = await startLocalTarget(target, where);
        owner.own(started.stop);
        return [{ ...started, name: 'target' }];
      }
      return startLocalInstances(target, count, where, (t) => owner.own(t.stop));
    })();
    // allSettled, not all: a failure must not run the cleanups while the other branch still starts things.
    const [infraResult, targetResult, versionResult, redisResult, netnsResult] = await Promise.allSettled([
      infra,
      targetStart,
      kind === 'nginx' ? nginxVersion(proxyBinary) : proxyVersion(kind, proxyBinary),
      redisP,
      netnsP,
    ]);
    for (const r of [infraResult, targetResult, versionResult, redisResult, netnsResult])
      if (r.status === 'rejected') throw r.reason;
    const { toxi, proxy, edge, edgeB, upstreams } = (
      infraResult as PromiseFulfilledResult<Awaited<typeof infra>>
    ).value;
    const targets = (targetResult as PromiseFulfilledResult<Awaited<typeof targetStart>>).value;
    const proxyVer = (versionResult as PromiseFulfilledResult<string>).value;
    const redis = redisP ? (redisResult as PromiseFulfilledResult<Awaited<typeof redisP>>).value : undefined;
    const netns = netnsP ? (netnsResult as PromiseFulfilledResult<LocalNetns>).value : undefined;
    checkAbort();
    await Promise.all(targets.map((t, i) => setLegUpstream(toxi.client, legNames[i]!, t.address)));
    const tgt = targets[0]!;
    const instances =
      count > 1 ? targets.map((t, i) => instanceControl(t, legNames[i]!, upstreams[i]!)) : undefined;
    const targetControl = instances ? clusterControl(targets, instances) : tgt.control;

    const ends = targetEndpoints(target);
    const certificate =
      'certificate' in proxy && typeof proxy.certificate === 'string' ? proxy.certificate : undefined;
    const scheme = certificate !== undefined ? 'https' : 'http';
    const topology: Topology = {
      runtime: 'local',
      ...(certificate !== undefined && options.tls ? { tls: { certificate, http2: options.tls.http2 } } : {}),
      urls: {
        stream: `${scheme}://${edge.listen}${ends.streamPath}`,
        streamB: `${scheme}://${edgeB.listen}${ends.streamPath}`,
        publish: new URL(ends.publish.url ?? ends.publish.path ?? '/', tgt.baseUrl).toString(),
        ...(count > 1
          ? {
              publishAll: targets.map((t) =>
                new URL(ends.publish.url ?? ends.publish.path ?? '/', t.baseUrl).toString(),
              ),
            }
          : {}),
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
        ...(redis ? { redis: redis.redis.control.version } : {}),
      },
      proxy: proxy.control,
      target: targetControl,
      ...(redis ? { redis: redis.redis.control } : {}),
      ...(netns ? { netns: netns.control } : {}),
      logs: async () => ({
        proxyError: await proxy.control.errorLog(),
        toxiproxy: toxi.process.output(),
        target: targetControl.logs() + (redis ? `\n--- redis ---\n${redis.redis.control.logs()}` : ''),
      }),
      processes: () => {
        const targetPids = targets.flatMap((t) => {
          const pid = t.pid();
          return pid === undefined ? [] : [{ component: count > 1 ? t.name : 'target', pid }];
        });
        const redisPid = redis?.redis.pid();
        return [
          { component: 'toxiproxy', pid: toxi.process.pid },
          { component: kind, pid: proxy.pid },
          ...targetPids,
          ...(redisPid === undefined ? [] : [{ component: 'redis', pid: redisPid }]),
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
