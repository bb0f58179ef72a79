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
import { PLACEHOLDER_UPSTREAM, createLeg, setLegUpstream } from './proxies.ts';
import { startLocalTarget } from './target-local.ts';
import { startLocalToxiproxy } from './toxiproxy-local.ts';
import { targetEndpoints, type TargetSpec } from './target.ts';

export interface StartOptions {
  profile: string;
  profileParams?: ProfileParams;
  target: TargetSpec;
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
      const toxi = await startLocalToxiproxy(bin.path, signal);
      owner.own(() => toxi.process.stop(1_000).then(() => {}));
      const originLeg = await createLeg(toxi.client, 'origin', '127.0.0.1:0', PLACEHOLDER_UPSTREAM);
      checkAbort();
      const nginx = await startLocalNginx({
        binary: nginxBinary,
        profile,
        params: profileParams,
        upstream: originLeg.listen,
        signal,
      });
      owner.own(nginx.stop);
      checkAbort();
      const [edge, edgeB] = await Promise.all([
        createLeg(toxi.client, 'edge', '127.0.0.1:0', nginx.address),
        createLeg(toxi.client, 'edge-b', '127.0.0.1:0', nginx.address),
      ]);
      return { toxi: { ...toxi, version: bin.version }, nginx, edge, edgeB };
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
    const { toxi, nginx, edge, edgeB } = (infraResult as PromiseFulfilledResult<Awaited<typeof infra>>).value;
    const tgt = (targetResult as PromiseFulfilledResult<Awaited<typeof targetStart>>).value;
    const nginxVer = (versionResult as PromiseFulfilledResult<string>).value;
    checkAbort();
    await setLegUpstream(toxi.client, 'origin', tgt.address);

    const ends = targetEndpoints(target);
    const topology: Topology = {
      runtime: 'local',
      urls: {
        stream: `http://${edge.listen}${ends.streamPath}`,
        streamB: `http://${edgeB.listen}${ends.streamPath}`,
        publish: new URL(ends.publish.url ?? ends.publish.path ?? '/', tgt.baseUrl).toString(),
        metrics: `${tgt.baseUrl}${ends.metricsPath}`,
        targetDirect: tgt.baseUrl,
        nginxDirect: `http://${nginx.address}`,
        toxiproxyApi: toxi.api,
      },
      versions: { nginx: nginxVer, toxiproxy: toxi.version, node: process.version, runtime: 'local' },
      nginx: nginx.control,
      target: tgt.control,
      logs: async () => ({
        nginxError: await nginx.control.errorLog(),
        toxiproxy: toxi.process.output(),
        target: tgt.control.logs(),
      }),
      processes: () => {
        const targetPid = tgt.pid();
        return [
          { component: 'toxiproxy', pid: toxi.process.pid },
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
