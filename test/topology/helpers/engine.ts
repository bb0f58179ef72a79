/**
 * A container engine for integration tests: the one that already answers (DOCKER_HOST or the default
 * socket), else a dockerd we start on a private socket when we are root and docker.io is installed.
 * Private, so no other process on the machine (another test file's `auto`, another engineer's run)
 * mistakes our test engine for the machine's. Otherwise the tests skip and say why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../../../harness/topology/containers/command.ts';
import { dockerEndpoint, pingEngine } from '../../../harness/topology/containers/docker-http.mjs';
import { startEngine, stopEngine } from '../../../harness/topology/containers/engine.ts';

export interface TestEngine {
  ready: boolean;
  skipReason?: string;
  /** Stops the engine if we started it. */
  stop(): Promise<void>;
}

export async function testEngine(): Promise<TestEngine> {
  if (await pingEngine(dockerEndpoint(process.env), 3_000)) return { ready: true, stop: async () => {} };
  if (process.getuid?.() !== 0)
    return {
      ready: false,
      skipReason: 'no container engine answers and we are not root to start one',
      stop: async () => {},
    };
  if (!findTool('dockerd'))
    return {
      ready: false,
      skipReason: 'no container engine answers and dockerd is not installed (apt-get install -y docker.io)',
      stop: async () => {},
    };
  const stateDir = mkdtempSync(join(tmpdir(), 'sse-chaos-test-engine-'));
  const socket = join(stateDir, 'docker.sock');
  const started = await startEngine({ stateDir, socket, install: false });
  // Set before testcontainers is first asked for a client (it caches the engine it found).
  process.env.DOCKER_HOST = started.endpointEnv.DOCKER_HOST;
  return {
    ready: true,
    stop: async () => {
      await stopEngine(stateDir);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
