/**
 * The browser has one owner: its whole process tree is one process group and its profile a fresh
 * temp dir, and both are gone after stop(), after a failed start, and when the owning process is
 * killed (SIGKILL: the topology's guardian; Ctrl-C: the exit hooks).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openChromiumGroup } from '../../../harness/client/chromium/group.ts';
import { ChromiumLaunchError, launchChromium } from '../../../harness/client/chromium/launch.ts';
import { processGroupUsage } from '../../../harness/client/chromium/process-usage.ts';
import { createRunClock } from '../../../harness/history/clock.ts';
import { History } from '../../../harness/history/store.ts';
import { RUN_BROWSER_TESTS, startServer, waitFor } from './fixtures.ts';

let parent: string;
beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'sse-chaos-launch-test-'));
});
afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('launch failures are clear and leave nothing behind', () => {
  it('a missing binary names the path and how to get one', async () => {
    await expect(
      launchChromium({ executablePath: join(parent, 'no-chromium'), tempDir: parent }),
    ).rejects.toThrow(
      new ChromiumLaunchError(
        `no Chromium at ${join(parent, 'no-chromium')}: run \`node scripts/setup.mjs\` (installs Debian's chromium) ` +
          'or set SSE_CHAOS_CHROMIUM to a Chromium/Chrome binary',
      ),
    );
    expect(await readdir(parent)).toEqual([]);
  });

  it('a binary that exits before DevTools listens: its exit and output are in the error; no profile dir is left', async () => {
    const fake = join(parent, 'fake-chromium');
    await writeFile(fake, '#!/bin/sh\necho "cannot open display" >&2\nexit 3\n');
    await chmod(fake, 0o755);
    const err = await launchChromium({ executablePath: fake, tempDir: parent }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChromiumLaunchError);
    expect((err as Error).message).toMatch(/exited \(code 3, signal null\) before opening DevTools/);
    expect((err as Error).message).toMatch(/cannot open display/);
    expect(await readdir(parent)).toEqual(['fake-chromium']);
  });

  it('a binary that never opens DevTools is stopped at the start timeout', async () => {
    const fake = join(parent, 'hanging-chromium');
    await writeFile(fake, '#!/bin/sh\nsleep 30\n');
    await chmod(fake, 0o755);
    const err = await launchChromium({ executablePath: fake, tempDir: parent, startTimeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/printed no DevTools endpoint within 300 ms/);
    expect(await readdir(parent)).toEqual(['hanging-chromium']);
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps).not.toContain(fake);
  });

  it('rejects a start timeout that is not positive', async () => {
    await expect(launchChromium({ startTimeoutMs: 0 })).rejects.toThrow(
      'launchChromium: startTimeoutMs must be > 0, got 0',
    );
  });
});

describe.skipIf(!RUN_BROWSER_TESTS)('a running browser', () => {
  it('is one process group with a fresh profile; stop() ends every process and removes the profile', async () => {
    const browser = await launchChromium({ tempDir: parent });
    try {
      expect(browser.version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(browser.userDataDir.startsWith(join(parent, 'sse-chaos-chromium-'))).toBe(true);
      expect(existsSync(browser.userDataDir)).toBe(true);
      const usage = browser.usage();
      // Browser, zygotes, GPU, network and storage services at least.
      expect(usage.processes).toBeGreaterThanOrEqual(4);
      expect(usage.pssBytes).toBeGreaterThan(0);
      expect(usage.rssBytes).toBeGreaterThanOrEqual(usage.pssBytes);
    } finally {
      await browser.stop();
    }
    await browser.stop(); // idempotent
    expect(processGroupUsage(browser.pid).processes).toBe(0);
    expect(await readdir(parent)).toEqual([]);
  });

  it('crashing under a group: attempts in flight close as errors at once, and stop() still ends every subscriber', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    });
    const browser = await launchChromium({ tempDir: parent });
    const history = new History();
    try {
      const group = await openChromiumGroup({
        browser,
        url: `${server.base}/events`,
        count: 3,
        history,
        clock: createRunClock(),
      });
      await waitFor('three open', () => group.counters.connected === 3);
      process.kill(-browser.pid, 'SIGKILL');
      await waitFor('three closes', () => history.count('close') === 3);
      expect([...history.ofKind('close')].map((c) => [c.reason, c.detail])).toEqual(
        Array(3).fill(['error', 'the browser disconnected']),
      );
      await group.stop();
      expect(history.count('unsubscribe')).toBe(3);
      expect(group.counters.connected).toBe(0);
    } finally {
      await browser.stop();
      await server.close();
    }
    expect(await readdir(parent)).toEqual([]);
  });

  const owner = fileURLToPath(new URL('./fixtures/browser-owner.ts', import.meta.url));
  it.each(['SIGKILL', 'SIGINT'] as const)(
    'dies with its owner: %s to the owning process leaves no browser process and no profile',
    async (signal) => {
      const child = spawn(process.execPath, ['--import', 'tsx', owner, parent], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const { pid, dir } = JSON.parse(line.toString()) as { pid: number; dir: string };
      expect(processGroupUsage(pid).processes).toBeGreaterThan(0);
      expect(existsSync(dir)).toBe(true);
      child.kill(signal);
      await once(child, 'exit');
      await waitFor('the browser group to die', () => processGroupUsage(pid).processes === 0, 10_000);
      await waitFor('the profile to be removed', () => !existsSync(dir), 10_000);
    },
  );
});
