/**
 * The containers runtime against a real engine (no registry needed): images are built here once and
 * reused while their inputs are unchanged; a stack answers through the toxiproxy and nginx
 * containers with the target as a container or as a host process behind the tunnel; nothing a run
 * created survives its stop or its owner's SIGKILL; `auto` and a forced `containers` say what is
 * wrong and how to fix it. Skipped, with the reason, only where no engine can be had.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toxiproxyApi } from '../../harness/faults/toxiproxy-api.ts';
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  InfrastructureError,
  parseTarget,
  referenceTarget,
  startTopology,
  type Topology,
} from '../../harness/topology/index.ts';
import { locateToxiproxy } from '../../harness/topology/binaries.ts';
import {
  listContainers,
  listNetworks,
  type DockerEndpoint,
} from '../../harness/topology/containers/docker-http.mjs';
import {
  dockerClient,
  endpointOf,
  inspectImage,
  type Docker,
} from '../../harness/topology/containers/image-store.ts';
import { LABEL, ownerId } from '../../harness/topology/containers/labels.ts';
import { ensureImages } from '../../harness/topology/containers/provision.ts';
import { sweepStale } from '../../harness/topology/containers/sweep.ts';
import { decideRuntime } from '../../harness/topology/runtime.ts';
import { fixtureTarget } from './helpers/fixture-target.ts';
import { openStream, publish } from './helpers/stream-probe.ts';
import { testEngine } from './helpers/engine.ts';

const engine = await testEngine();
const root = fileURLToPath(new URL('../..', import.meta.url));
const log = (line: string) => process.stderr.write(`[images] ${line}\n`);

let docker: Docker;
let endpoint: DockerEndpoint;

/** Containers and networks of runs owned by `owner`. */
async function ownedBy(owner: string): Promise<{ containers: number; networks: number; roles: string[] }> {
  const containers = await listContainers(endpoint, [`${LABEL.owner}=${owner}`]);
  const networks = await listNetworks(endpoint, [`${LABEL.owner}=${owner}`]);
  return {
    containers: containers.length,
    networks: networks.length,
    roles: containers.map((c) => c.labels[LABEL.role] ?? '').sort(),
  };
}

/** A stream through the stack delivers a freshly published event. */
async function expectDelivery(topology: Topology, spec: Parameters<typeof publish>[0]): Promise<void> {
  const probe = openStream(topology.urls.stream);
  try {
    const res = await probe.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    await sleep(300); // Let the subscription settle behind nginx before publishing.
    const id = await publish(spec, topology.urls.publish, 'through the containers');
    const events = await probe.waitForEvents(1, 15_000);
    expect(events.find((e) => e.id === id)?.data).toBe('through the containers');
  } finally {
    probe.close();
  }
}

describe.skipIf(!engine.ready)(
  `containers runtime on a real engine${engine.skipReason ? ` (skipped: ${engine.skipReason})` : ''}`,
  () => {
    beforeAll(async () => {
      docker = await dockerClient();
      endpoint = endpointOf(docker)!;
      // Every image, built here once when missing (~3 min from nothing, see docker/README.md).
      await ensureImages({ docker, log });
    }, 20 * 60_000);
    afterAll(async () => {
      await engine.stop();
    }, 60_000);

    it('reuses every image while its inputs are unchanged, and labels it with them', async () => {
      const again = await ensureImages({ docker });
      expect(again.rows.map((r) => r.status)).toEqual(['present', 'present', 'present', 'present']);
      for (const ref of Object.values(again.plan.refs)) expect(await inspectImage(docker, ref)).toBeDefined();
      const server = await inspectImage(docker, again.plan.refs.server);
      expect(server?.labels[LABEL.image]).toBe('server');
      expect(again.plan.refs.server.endsWith(`:${server?.labels[LABEL.inputs]}`)).toBe(true);
    });

    it('rebuilds only the image whose input changed (a different toxiproxy binary)', async (ctx) => {
      const before = await ensureImages({ docker, want: ['toxiproxy', 'nginx'] });
      if (before.plan.source !== 'local') ctx.skip(); // Official images are pulled, not built.
      const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-toxi-'));
      const copy = join(dir, 'toxiproxy-server');
      copyFileSync((await locateToxiproxy()).path, copy);
      appendFileSync(copy, 'trailing bytes change the hash, not the program');
      const saved = process.env.SSE_CHAOS_TOXIPROXY;
      process.env.SSE_CHAOS_TOXIPROXY = copy;
      let rebuiltRef: string | undefined;
      try {
        const after = await ensureImages({ docker, want: ['toxiproxy', 'nginx'] });
        rebuiltRef = after.plan.refs.toxiproxy;
        expect(after.rows.map((r) => [r.image, r.status])).toEqual([
          ['toxiproxy', 'built'],
          ['nginx', 'present'],
        ]);
        expect(rebuiltRef).not.toBe(before.plan.refs.toxiproxy);
        expect(after.plan.refs.nginx).toBe(before.plan.refs.nginx);
      } finally {
        if (saved === undefined) delete process.env.SSE_CHAOS_TOXIPROXY;
        else process.env.SSE_CHAOS_TOXIPROXY = saved;
        // Put the `current` alias back on the real image and drop the test one.
        await ensureImages({ docker, want: ['toxiproxy'] });
        if (rebuiltRef)
          await docker
            .getImage(rebuiltRef)
            .remove()
            .catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);

    it('runs the reference server as a container: events flow through toxiproxy and nginx, a killed target restarts', async () => {
      const topology = await startTopology({
        profile: 'good',
        target: referenceTarget,
        runtime: 'containers',
      });
      try {
        expect(topology.runtime).toBe('containers');
        expect(topology.versions.nginx).toMatch(/^1\.22\./);
        expect(topology.versions.toxiproxy).toBe('2.12.0');
        expect((await ownedBy(ownerId())).roles).toEqual(['nginx', 'target', 'toxiproxy']);
        await expectDelivery(topology, referenceTarget);

        // toxiproxy is really on the path: a disabled edge leg cuts the stream.
        const probe = openStream(topology.urls.stream);
        await probe.response;
        const api = toxiproxyApi(topology.urls.toxiproxyApi);
        await api.setEnabled('edge', false);
        expect(await probe.closed).toBeDefined();
        await api.setEnabled('edge', true);

        topology.target.kill('SIGKILL');
        expect(await topology.target.waitExit(10_000)).toEqual({ code: null, signal: 'SIGKILL' });
        expect(topology.target.running).toBe(false);
        await topology.target.restart();
        expect(topology.target.running).toBe(true);
        await expectDelivery(topology, referenceTarget);
      } finally {
        await topology.stop();
      }
      expect(await ownedBy(ownerId())).toEqual({ containers: 0, networks: 0, roles: [] });
    }, 120_000);

    it('reaches a host-process target through the tunnel, and survives the target being down', async () => {
      const spec = fixtureTarget();
      const topology = await startTopology({ profile: 'good', target: spec, runtime: 'containers' });
      try {
        expect((await ownedBy(ownerId())).roles).toEqual(['nginx', 'sshd', 'toxiproxy']);
        await expectDelivery(topology, spec);
        topology.target.kill('SIGKILL');
        await topology.target.waitExit(10_000);
        // The tunnel refuses the channel; nginx answers with its SSE error page; nothing crashes here.
        const down = openStream(topology.urls.stream);
        expect((await down.response).statusCode).toBe(200);
        await down.closed;
        await topology.target.restart();
        await expectDelivery(topology, spec);
      } finally {
        await topology.stop();
      }
      expect(await ownedBy(ownerId())).toEqual({ containers: 0, networks: 0, roles: [] });
    }, 120_000);

    it('a stack that fails half-way leaves nothing behind (its network is up when the target fails)', async () => {
      const failing = parseTarget({
        kind: 'command',
        command: [process.execPath, '-e', 'console.error("boom: cannot bind"); process.exit(3)'],
        streamPath: '/events',
        publish: { path: '/publish' },
      });
      const err = await startTopology({ profile: 'good', target: failing, runtime: 'containers' }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InfrastructureError);
      expect((err as Error).message).toContain('boom: cannot bind');
      expect(await ownedBy(ownerId())).toEqual({ containers: 0, networks: 0, roles: [] });
    });

    it.each(['SIGKILL', 'SIGINT'] as const)(
      'the sweeper removes a run whose owner died of %s',
      async (signal) => {
        const script = fileURLToPath(new URL('./fixtures/containers-owner.ts', import.meta.url));
        const child = spawn(process.execPath, ['--import', 'tsx', script], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
        try {
          const started = await new Promise<{ pid: number }>((resolve, reject) => {
            child.stdout.on('data', (c: Buffer) => {
              out += c.toString();
              const line = out.split('\n').find((l) => l.startsWith('{'));
              if (line && out.includes('\n')) resolve(JSON.parse(line) as { pid: number });
            });
            void exited.then(() => reject(new Error(`fixture exited before starting: ${err}`)));
          });
          const owner = ownerId(started.pid);
          expect((await ownedBy(owner)).containers).toBe(3);
          process.kill(started.pid, signal);
          await exited;
          const deadline = Date.now() + 30_000;
          let left = await ownedBy(owner);
          while ((left.containers || left.networks) && Date.now() < deadline) {
            await sleep(250);
            left = await ownedBy(owner);
          }
          expect(left).toEqual({ containers: 0, networks: 0, roles: [] });
        } finally {
          child.kill('SIGKILL');
        }
      },
      120_000,
    );

    it('a stale sweep removes what an owner that no longer lives left behind', async () => {
      const deadOwner = ownerId(2 ** 22 + 12345); // Above pid_max's default: never alive.
      await docker.createNetwork({
        Name: `sse-chaos-stale-${process.pid}`,
        Labels: { [LABEL.run]: `stale-${process.pid}`, [LABEL.owner]: deadOwner, [LABEL.role]: 'network' },
      });
      expect((await ownedBy(deadOwner)).networks).toBe(1);
      const removed = await sweepStale(endpoint);
      expect(removed.networks).toHaveLength(1);
      expect(await ownedBy(deadOwner)).toEqual({ containers: 0, networks: 0, roles: [] });
    });

    it('auto falls back to local, saying why and how to fix it, when images are missing and not buildable', async () => {
      const keys = ['SSE_CHAOS_IMAGES', 'SSE_CHAOS_CACHE_DIR', 'PATH'] as const;
      const saved = keys.map((k) => process.env[k]);
      // Local images, and no toxiproxy-server to put in one: its image can be neither found nor built.
      process.env.SSE_CHAOS_IMAGES = 'local';
      process.env.SSE_CHAOS_CACHE_DIR = '/nonexistent';
      process.env.PATH = '/usr/bin:/bin';
      try {
        const decision = await decideRuntime('auto');
        expect(decision.runtime).toBe('local');
        expect(decision.reason).toMatch(
          /^images missing \(toxiproxy\) and not buildable: toxiproxy-server v2\.12\.0 was not found/,
        );
        expect(decision.reason).toContain('fix: npx tsx scripts/containers.ts --start-engine');
      } finally {
        keys.forEach((k, i) =>
          saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i]),
        );
      }
      // With the binary back the same engine is good enough for auto.
      expect((await decideRuntime('auto')).runtime).toBe('containers');
    });

    it('a forced containers run that cannot work exits 3 with the command that fixes it', async () => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(root, 'harness/cli.ts'),
          '--runtime',
          'containers',
          '--scenario',
          'baseline',
          '--out',
          mkdtempSync(join(tmpdir(), 'sse-chaos-out-')),
        ],
        {
          env: {
            ...process.env,
            CI: '1',
            SSE_CHAOS_IMAGES: 'local',
            SSE_CHAOS_CACHE_DIR: '/nonexistent',
            PATH: '/usr/bin:/bin',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code, output).toBe(3);
      expect(output).toContain('toxiproxy-server v2.12.0 was not found');
      expect(output).toContain('Fix: npx tsx scripts/containers.ts --start-engine');
    }, 60_000);
  },
);
