/**
 * No orphans, ever: whatever way the owning process ends, every process group the topology started
 * is gone and its temp dirs are removed. Each case runs a real child process that starts a topology.
 */
import { describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTopology, InfrastructureError } from '../../harness/topology/index.ts';
import { parseTarget } from '../../harness/topology/target.ts';
import { groupAlive, waitGroupsGone } from './helpers/stream-probe.ts';
import { fixtureServer } from './helpers/fixture-target.ts';

const script = fileURLToPath(new URL('./fixtures/start-and-exit.ts', import.meta.url));

interface Started {
  groups: number[];
  prefix: string;
  guardian: number;
}

/** Runs the fixture until it printed its topology; `end` then ends it. */
async function runChild(mode: 'wait' | 'throw', end: (pid: number) => void): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const started = await new Promise<Started>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line && out.includes('\n')) resolve(JSON.parse(line) as Started);
      });
      void exited.then(() => reject(new Error(`fixture exited before starting: ${err}`)));
    });
    expect(started.groups).toHaveLength(3);
    expect(started.groups.every(groupAlive)).toBe(true);
    end(child.pid!);
    await exited;
    return started;
  } finally {
    child.kill('SIGKILL'); // No-op when it is gone; the guardian then cleans up.
  }
}

async function expectAllGone(s: Started): Promise<void> {
  expect(await waitGroupsGone([...s.groups, s.guardian], 10_000)).toEqual([]);
  const deadline = Date.now() + 5_000;
  while (existsSync(s.prefix) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(existsSync(s.prefix)).toBe(false);
}

describe('no orphans', () => {
  it('the guardian kills everything when the owner is SIGKILLed', async () => {
    await expectAllGone(await runChild('wait', (pid) => process.kill(pid, 'SIGKILL')));
  });

  it('everything dies when the owner gets SIGTERM it does not handle', async () => {
    await expectAllGone(await runChild('wait', (pid) => process.kill(pid, 'SIGTERM')));
  });

  it('everything dies when the owner crashes half-way (uncaught exception)', async () => {
    await expectAllGone(await runChild('throw', () => {}));
  });

  it('a component that fails to start gives InfrastructureError with its log, and nothing stays up', async () => {
    const target = parseTarget({
      kind: 'command',
      command: [process.execPath, '-e', 'console.error("boom: cannot bind"); process.exit(3)'],
      streamPath: '/events',
      publish: { path: '/publish' },
    });
    const err = await startTopology({ profile: 'good', target, runtime: 'local' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfrastructureError);
    expect((err as InfrastructureError).component).toBe('target');
    expect((err as Error).message).toMatch(/exited \(exit code 3\) before[\s\S]*boom: cannot bind/);
    const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)]).toString();
    expect(children).not.toMatch(/toxiproxy-server|nginx|sse-server/);
  });

  it('a bad profile is a configuration error before anything starts', async () => {
    const target = parseTarget({
      kind: 'command',
      command: [process.execPath, fixtureServer],
      streamPath: '/e',
      publish: { path: '/p' },
    });
    await expect(startTopology({ profile: 'bogus', target, runtime: 'local' })).rejects.toThrow(
      /unknown nginx profile "bogus"/,
    );
  });
});
