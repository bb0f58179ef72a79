/**
 * A run that asked for containers brings its own engine when none answers, and stops it when it
 * ends; an engine a killed run left behind is adopted and stopped by the next run; an engine
 * somebody else started is never touched. Real dockerd on a private socket (root, docker.io).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findTool } from '../../../harness/topology/containers/command.ts';
import { dockerEndpoint, pingEngine } from '../../../harness/topology/containers/docker-http.mjs';
import {
  isDockerd,
  readEngineRecord,
  startEngine,
  stopEngine,
  writeEngineRecord,
} from '../../../harness/topology/containers/engine.ts';
import { engineForRun } from '../../../harness/topology/containers/run-engine.ts';

const machineEngine = await pingEngine(dockerEndpoint({}), 2_000);
const why =
  process.getuid?.() !== 0
    ? 'needs root to start dockerd'
    : !findTool('dockerd')
      ? 'dockerd is not installed (apt-get install -y docker.io)'
      : machineEngine
        ? 'an engine already runs here, and a second one cannot share /var/lib/docker'
        : undefined;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    await stopEngine(dir, 5_000);
    rmSync(dir, { recursive: true, force: true });
  }
});
function stateDir(): { dir: string; socket: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-run-engine-'));
  dirs.push(dir);
  return { dir, socket: join(dir, 'docker.sock') };
}
const answers = (socket: string) => pingEngine(dockerEndpoint({ DOCKER_HOST: `unix://${socket}` }), 2_000);

describe.skipIf(why !== undefined)(`the engine of a containers run${why ? ` (skipped: ${why})` : ''}`, () => {
  it('starts dockerd when none answers, records itself as the owner, and stops it at the end', async () => {
    const { dir, socket } = stateDir();
    const lines: string[] = [];
    const engine = await engineForRun((l) => lines.push(l), { stateDir: dir, socket });
    expect(engine).toBeDefined();
    const record = readEngineRecord(dir)!;
    expect(record.owner).toBe(process.pid);
    expect(isDockerd(record.pid)).toBe(true);
    expect(await answers(socket)).toBe(true);
    await engine!.stop();
    expect(isDockerd(record.pid)).toBe(false);
    expect(readEngineRecord(dir)).toBeUndefined();
    expect(lines.join('\n')).toMatch(/starting dockerd for this run[\s\S]*is stopped/);
  }, 90_000);

  it('adopts an engine whose owning run died, and stops it', async () => {
    const { dir, socket } = stateDir();
    await startEngine({ stateDir: dir, socket, install: false });
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    writeEngineRecord(dir, { ...readEngineRecord(dir)!, owner: dead });
    const lines: string[] = [];
    const engine = await engineForRun((l) => lines.push(l), { stateDir: dir, socket });
    expect(engine).toBeDefined();
    expect(lines.join('\n')).toContain(`left by a run that died (pid ${dead})`);
    const pid = readEngineRecord(dir)!.pid;
    await engine!.stop();
    expect(isDockerd(pid)).toBe(false);
  }, 90_000);

  it('uses, and never stops, an engine started by someone else or by a live run', async () => {
    const { dir, socket } = stateDir();
    await startEngine({ stateDir: dir, socket, install: false }); // like --start-engine: no owner
    expect(await engineForRun(() => {}, { stateDir: dir, socket })).toBeUndefined();
    writeEngineRecord(dir, { ...readEngineRecord(dir)!, owner: process.ppid }); // a live run owns it
    expect(await engineForRun(() => {}, { stateDir: dir, socket })).toBeUndefined();
    expect(await answers(socket)).toBe(true);
  }, 90_000);
});
