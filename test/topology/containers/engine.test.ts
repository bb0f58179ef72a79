/** The engine record: `stop` ends exactly the dockerd we started, never another process. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDockerd, readEngineRecord, stopEngine } from '../../../harness/topology/containers/engine.ts';

describe('engine record', () => {
  it('has nothing to stop when no engine was recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-engine-'));
    try {
      expect(readEngineRecord(dir)).toBeUndefined();
      expect(await stopEngine(dir)).toEqual({ stopped: false, reason: `no engine recorded in ${dir}` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never signals a recorded pid that is not a dockerd (a recycled pid), and forgets the record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-engine-'));
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const pid = bystander.pid!;
      writeFileSync(join(dir, 'dockerd.json'), JSON.stringify({ pid, startedAt: 'then', log: 'x' }));
      expect(readEngineRecord(dir)?.pid).toBe(pid);
      expect(isDockerd(pid)).toBe(false);
      expect(await stopEngine(dir)).toEqual({
        stopped: false,
        pid,
        reason: `pid ${pid} is no longer a dockerd`,
      });
      expect(bystander.exitCode).toBeNull();
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(existsSync(join(dir, 'dockerd.json'))).toBe(false);
    } finally {
      bystander.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
