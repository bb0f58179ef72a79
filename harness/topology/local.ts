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
import { PLACEHOLDER_UPSTREAM } from './proxies.ts';
import { instanceCount, instanceLeg, usesRedis } from './instances.ts';
import { createNetns, type LocalNetns } from './netns.ts';
import { startLocalRedis, type LocalRedis } from './redis-local.ts';
import { clusterControl, instanceControl, startLocalInstances } from './target-instances.ts';
import { startLocalTarget, type LocalTargetOptions } from './target-local.ts';
import {
  createLegOnShards,
  setLegUpstreamOnShards,
  shardsOutput,
  startToxiproxyShards,
} from './toxiproxy-shards.ts';
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
  /** toxiproxy-server processes, each with every leg for its share of the fleet (default 1). */
  toxiproxyProcesses?: number;
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
    const toxiproxyProcesses = options.toxiproxyProcesses ?? 1;
    // Each instance's leg address names its instance to the checks, and the redis leg is one: both
    // need every leg on one toxiproxy, which a fleet large enough to shard it does not have.
    if (toxiproxyProcesses > 1 && (count > 1 || redisWanted))
      throw new TopologyConfigError(
        `a fleet that needs ${toxiproxyProcesses} toxiproxy processes runs against one instance with a memory or file log; ` +
          'make the fleet smaller for several instances or a Redis log',
      );
    const legNames = Array.from({ length: count }, (_, i) => instanceLeg(i, count));

    // The target (often the slowest: a Node process compiling TypeScript) boots while the rest of
    // the path comes up; the origin legs point at a placeholder until the targets' ports are known.
    const toxiP = (async () => {
      const bin = await locateToxiproxy();
      const shards = await startToxiproxyShards(
        bin.path,
        toxiproxyProcesses,
        (stop) => owner.own(stop),
        signal,
      );
      return { shards, version: bin.version };
    })();
    const infra = (async () => {
      const { shards, version } = await toxiP;
      // One origin leg per instance; with one instance, one per shard (the shards' own origin legs).
      const originLegs = await Promise.all(
        legNames.map((leg) => createLegOnShards(shards, leg, PLACEHOLDER_UPSTREAM)),
      );
      checkAbort();
      const upstreams = originLegs.map((legs) => legs[0]!.listen);
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
              moreUpstreams: originLegs[0]!.slice(1).map((l) => l.listen),
            })
          : await startLocalProxy({ kind, binary: proxyBinary, ...common, ...user });
      owner.own(proxy.stop);
      checkAbort();
      const [edges, edgesB] = await Promise.all([
        createLegOnShards(shards, 'edge', proxy.address),
        createLegOnShards(shards, 'edge-b', proxy.address),
      ]);
      return { shards, version, proxy, edges, edgesB, upstreams };
    })();
    // The shared log: redis-server behind its own leg, so partitions and latency to Redis are leg faults.
    const redisP = redisWanted
      ? (async () => {
          const [{ shards }, redis] = await Promise.all([
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
          const [leg] = await createLegOnShards(shards, 'redis', redis.control.address);
          return { redis, leg: leg! };
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
    const { shards, version, proxy, edges, edgesB, upstreams } = (
      infraResult as PromiseFulfilledResult<Awaited<typeof infra>>
    ).value;
    const targets = (targetResult as PromiseFulfilledResult<Awaited<typeof targetStart>>).value;
    const proxyVer = (versionResult as PromiseFulfilledResult<string>).value;
    const redis = redisP ? (redisResult as PromiseFulfilledResult<Awaited<typeof redisP>>).value : undefined;
    const netns = netnsP ? (netnsResult as PromiseFulfilledResult<LocalNetns>).value : undefined;
    checkAbort();
    await Promise.all(targets.map((t, i) => setLegUpstreamOnShards(shards, legNames[i]!, t.address)));
    const tgt = targets[0]!;
    const instances =
      count > 1 ? targets.map((t, i) => instanceControl(t, legNames[i]!, upstreams[i]!)) : undefined;
    const targetControl = instances ? clusterControl(targets, instances) : tgt.control;

    const ends = targetEndpoints(target);
    const certificate =
      'certificate' in proxy && typeof proxy.certificate === 'string' ? proxy.certificate : undefined;
    const scheme = certificate !== undefined ? 'https' : 'http';
    const streams = edges.map((l) => `${scheme}://${l.listen}${ends.streamPath}`);
    const streamsB = edgesB.map((l) => `${scheme}://${l.listen}${ends.streamPath}`);
    const topology: Topology = {
      runtime: 'local',
      ...(certificate !== undefined && options.tls ? { tls: { certificate, http2: options.tls.http2 } } : {}),
      urls: {
        stream: streams[0]!,
        streamB: streamsB[0]!,
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
        toxiproxyApi: shards[0]!.api,
        ...(shards.length > 1 ? { toxiproxyApis: shards.map((s) => s.api), streams, streamsB } : {}),
      },
      versions: {
        nginx: kind === 'nginx' ? proxyVer : 'not used',
        ...(kind === 'nginx' ? {} : { proxy: `${kind} ${proxyVer}` }),
        toxiproxy: version,
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
        toxiproxy: shardsOutput(shards),
        target: targetControl.logs() + (redis ? `\n--- redis ---\n${redis.redis.control.logs()}` : ''),
      }),
      processes: () => {
        const targetPids = targets.flatMap((t) => {
          const pid = t.pid();
          return pid === undefined ? [] : [{ component: count > 1 ? t.name : 'target', pid }];
        });
        const redisPid = redis?.redis.pid();
        return [
          ...shards.map((s) => ({ component: 'toxiproxy', pid: s.process.pid })),
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
