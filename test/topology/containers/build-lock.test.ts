import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withBuildLock } from '../../../harness/topology/containers/build-lock.ts';

describe('build lock', () => {
  it('runs builds one at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-lock-'));
    try {
      const order: string[] = [];
      const job = (name: string) =>
        withBuildLock(dir, async () => {
          order.push(`${name} start`);
          await sleep(100);
          order.push(`${name} end`);
        });
      await Promise.all([job('a'), job('b')]);
      expect(order).toEqual(['a start', 'a end', 'b start', 'b end']);
      expect(existsSync(join(dir, 'build.lock'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over a lock whose owner died, and releases it when the build throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-lock-'));
    try {
      writeFileSync(join(dir, 'build.lock'), String(2 ** 22 + 777)); // Above the default pid_max: dead.
      await expect(withBuildLock(dir, async () => 'built')).resolves.toBe('built');
      await expect(
        withBuildLock(dir, async () => {
          throw new Error('step 3 failed');
        }),
      ).rejects.toThrow('step 3 failed');
      expect(existsSync(join(dir, 'build.lock'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits for a live holder and gives up after its timeout, naming the holder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-lock-'));
    try {
      writeFileSync(join(dir, 'build.lock'), String(process.pid)); // Held by a live process (us).
      let waitedFor = 0;
      await expect(
        withBuildLock(
          dir,
          async () => 'never',
          (holder) => (waitedFor = holder),
          300,
        ),
      ).rejects.toThrow(`waited 300 ms for the image build of pid ${process.pid}`);
      expect(waitedFor).toBe(process.pid);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
