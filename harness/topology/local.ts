/**
 * The local runtime: toxiproxy-server, nginx and the target as child processes on free loopback
 * ports. Start order follows the data path backwards (target, origin leg, nginx, edge legs); every
 * component started is stopped again if a later one fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Topology } from './topology.ts';
import { locateNginx, locateToxiproxy, nginxVersion } from './binaries.ts';
import { InfrastructureError } from './errors.ts';
import { guardDir, releaseDir } from './guardian.ts';
import { startLocalNginx } from './nginx-local.ts';
import type { ProfileParams } from './nginx-profiles.ts';
import { Owner } from './owner.ts';
import { PLACEHOLDER_UPSTREAM } from './proxies.ts';
import { startLocalTarget } from './target-local.ts';
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
  /** toxiproxy-server processes, each with every leg for its share of the fleet (default 1). */
  toxiproxyProcesses?: number;
  signal?: AbortSignal;
}

export async function startLocalTopology(options: StartOptions): Promise<Topology> {
  const { profile, profileParams, target, signal } = options;
  const nginxBinary = locateNginx();
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
      const shards = await startToxiproxyShards(
        bin.path,
        options.toxiproxyProcesses ?? 1,
        (stop) => owner.own(stop),
        signal,
      );
      const originLegs = await createLegOnShards(shards, 'origin', PLACEHOLDER_UPSTREAM);
      checkAbort();
      const nginx = await startLocalNginx({
        binary: nginxBinary,
        profile,
        params: profileParams,
        upstream: originLegs[0]!.listen,
        moreUpstreams: originLegs.slice(1).map((l) => l.listen),
        signal,
      });
      owner.own(nginx.stop);
      checkAbort();
      const [edges, edgesB] = await Promise.all([
        createLegOnShards(shards, 'edge', nginx.address),
        createLegOnShards(shards, 'edge-b', nginx.address),
      ]);
      return { shards, version: bin.version, nginx, edges, edgesB };
    })();
    const targetStart = startLocalTarget(target, { workDir, signal }).then((started) => {
      owner.own(started.stop);
      return started;
    });
    // allSettled, not all: a failure must not run the cleanups while the other branch still starts things.
    const [infraResult, targetResult, versionResult] = await Promise.allSettled([
      infra,
      targetStart,
      nginxVersion(nginxBinary),
    ]);
    for (const r of [infraResult, targetResult, versionResult]) if (r.status === 'rejected') throw r.reason;
    const { shards, version, nginx, edges, edgesB } = (
      infraResult as PromiseFulfilledResult<Awaited<typeof infra>>
    ).value;
    const tgt = (targetResult as PromiseFulfilledResult<Awaited<typeof targetStart>>).value;
    const nginxVer = (versionResult as PromiseFulfilledResult<string>).value;
    checkAbort();
    await setLegUpstreamOnShards(shards, 'origin', tgt.address);

    const ends = targetEndpoints(target);
    const streams = edges.map((l) => `http://${l.listen}${ends.streamPath}`);
    const streamsB = edgesB.map((l) => `http://${l.listen}${ends.streamPath}`);
    const topology: Topology = {
      runtime: 'local',
      urls: {
        stream: streams[0]!,
        streamB: streamsB[0]!,
        publish: new URL(ends.publish.url ?? ends.publish.path ?? '/', tgt.baseUrl).toString(),
        metrics: `${tgt.baseUrl}${ends.metricsPath}`,
        targetDirect: tgt.baseUrl,
        nginxDirect: `http://${nginx.address}`,
        toxiproxyApi: shards[0]!.api,
        ...(shards.length > 1 ? { toxiproxyApis: shards.map((s) => s.api), streams, streamsB } : {}),
      },
      versions: { nginx: nginxVer, toxiproxy: version, node: process.version, runtime: 'local' },
      nginx: nginx.control,
      target: tgt.control,
      logs: async () => ({
        nginxError: await nginx.control.errorLog(),
        toxiproxy: shardsOutput(shards),
        target: tgt.control.logs(),
      }),
      processes: () => {
        const targetPid = tgt.pid();
        return [
          ...shards.map((s) => ({ component: 'toxiproxy', pid: s.process.pid })),
          { component: 'nginx', pid: nginx.pid },
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
