/**
 * The local runtime: toxiproxy-server, nginx and the target as child processes on free loopback
 * ports. Start order follows the data path backwards (target, origin leg, nginx, edge legs); every
 * component started is stopped again if a later one fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Proxy } from 'toxiproxy-node-client';
import type { Leg } from '../history/records.ts';
import type { Topology } from './topology.ts';
import { locateNginx, locateToxiproxy, nginxVersion } from './binaries.ts';
import { InfrastructureError } from './errors.ts';
import { guardDir, releaseDir } from './guardian.ts';
import { startLocalNginx } from './nginx-local.ts';
import type { ProfileParams } from './nginx-profiles.ts';
import { PLACEHOLDER_UPSTREAM, createLeg, setLegEnabled, setLegUpstream } from './proxies.ts';
import { startLocalTarget } from './target-local.ts';
import { startLocalToxiproxy } from './toxiproxy-local.ts';
import { targetEndpoints, type TargetSpec } from './target.ts';

export interface StartOptions {
  profile: string;
  profileParams?: ProfileParams;
  target: TargetSpec;
  signal?: AbortSignal;
}

/** Owns cleanups in reverse start order; `run()` never throws. */
class Cleanups {
  private readonly steps: Array<() => Promise<void>> = [];
  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.reverse()) await step().catch(() => {});
    this.steps.length = 0;
  }
}

export async function startLocalTopology(options: StartOptions): Promise<Topology> {
  const { profile, profileParams, target, signal } = options;
  const nginxBinary = locateNginx();
  const cleanups = new Cleanups();
  const checkAbort = (): void => {
    if (signal?.aborted) throw new InfrastructureError('topology', 'start aborted');
  };
  try {
    const workDir = await mkdtemp(join(tmpdir(), 'sse-chaos-target-'));
    guardDir(workDir);
    cleanups.add(async () => {
      await rm(workDir, { recursive: true, force: true });
      releaseDir(workDir);
    });

    // The target (often the slowest: a Node process compiling TypeScript) boots while the rest of
    // the path comes up; the origin leg points at a placeholder until the target's port is known.
    const infra = (async () => {
      const bin = await locateToxiproxy();
      const toxi = await startLocalToxiproxy(bin.path, signal);
      cleanups.add(() => toxi.process.stop(1_000).then(() => {}));
      const originLeg = await createLeg(toxi.client, 'origin', '127.0.0.1:0', PLACEHOLDER_UPSTREAM);
      checkAbort();
      const nginx = await startLocalNginx({
        binary: nginxBinary,
        profile,
        params: profileParams,
        upstream: originLeg.listen,
        signal,
      });
      cleanups.add(nginx.stop);
      checkAbort();
      const [edge, edgeB] = await Promise.all([
        createLeg(toxi.client, 'edge', '127.0.0.1:0', nginx.address),
        createLeg(toxi.client, 'edge-b', '127.0.0.1:0', nginx.address),
      ]);
      return { toxi: { ...toxi, version: bin.version }, nginx, edge, edgeB };
    })();
    const targetStart = startLocalTarget(target, { workDir, signal }).then((started) => {
      cleanups.add(started.stop);
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
    const origin = await setLegUpstream(toxi.client, 'origin', tgt.address);

    const proxies: Record<Leg, Proxy> = { edge, 'edge-b': edgeB, origin };
    const ends = targetEndpoints(target);
    let stopped: Promise<void> | undefined;
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
      toxiproxy: toxi.client,
      proxy: (leg) => {
        const p = proxies[leg];
        if (!p) throw new Error(`unknown leg "${String(leg)}"; legs: edge, edge-b, origin`);
        return p;
      },
      setLegEnabled: (leg, enabled) => setLegEnabled(toxi.client, leg, enabled),
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
      stop: () => (stopped ??= cleanups.run()),
    };
    return topology;
  } catch (err) {
    await cleanups.run();
    throw err;
  }
}
