/**
 * Nothing outlives a run of the cluster or network suites: Ctrl-C (SIGINT) in the middle of a cluster
 * scenario stops every instance, redis-server, nginx and toxiproxy and exits 130; a SIGKILLed harness
 * in the middle of a network scenario leaves the guardian to stop the processes and remove the
 * network namespace and its veths. Each case runs the real command line in a child process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { netnsMissing, ownerOf, parseLinkNames, parseNetnsList, sh } from '../../harness/topology/netns.ts';
import { redisMissing } from '../../harness/topology/redis-local.ts';

const cli = fileURLToPath(new URL('../../harness/cli.ts', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'sse-chaos-interrupt-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const children = (pid: number): number[] =>
  execFileSync('sh', ['-c', `pgrep -P ${pid} || true`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(Number);

/** Runs one scenario through the CLI until its faults are on, then hands over the child. */
async function midRun(scenario: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, '--scenario', scenario, '--out', join(out, scenario)],
    {
      env: { ...process.env, SSE_CHAOS_RUNTIME: 'local', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))),
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      log += c.toString();
      if (log.includes('workload + faults')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`the run ended before its faults:\n${log}`)));
  });
  // The faults are on: give the fault a moment to be applied (a namespace rule, a partition).
  await new Promise((r) => setTimeout(r, 1500));
  return { child, exited, stack: children(child.pid!), log: () => log };
}

async function allGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

const redisAbsent = redisMissing();
const netnsAbsent = await netnsMissing();

describe('a run leaves nothing behind', () => {
  it.skipIf(redisAbsent !== undefined)(
    'Ctrl-C in the middle of a cluster scenario stops every instance and redis-server and exits 130',
    async () => {
      const run = await midRun('redis-partition');
      const names = run.stack.map((pid) =>
        execFileSync('sh', ['-c', `cat /proc/${pid}/comm 2>/dev/null || true`], { encoding: 'utf8' }).trim(),
      );
      expect(names).toEqual(expect.arrayContaining(['redis-server', 'nginx']));
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(await allGone(run.stack, 10_000)).toEqual([]);
    },
    120_000,
  );

  it.skipIf(netnsAbsent !== undefined)(
    'a SIGKILLed harness in the middle of a network scenario: the guardian removes its namespace and veths',
    async () => {
      const run = await midRun('packet-loss-2pct');
      const pid = run.child.pid!;
      const ours = async () => ({
        namespaces: parseNetnsList(await sh('ip', ['netns', 'list'])).filter((n) => ownerOf(n) === pid),
        links: parseLinkNames(await sh('ip', ['-o', 'link', 'show'])).filter((n) => ownerOf(n) === pid),
      });
      expect((await ours()).namespaces).toHaveLength(1);
      run.child.kill('SIGKILL');
      await run.exited;
      // Every process of the stack (the target in its namespace included) is stopped by the guardian.
      expect(await allGone(run.stack, 10_000)).toEqual([]);
      const deadline = Date.now() + 10_000;
      let left = await ours();
      while ((left.namespaces.length || left.links.length) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        left = await ours();
      }
      expect(left).toEqual({ namespaces: [], links: [] });
    },
    120_000,
  );
});
