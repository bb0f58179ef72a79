import { findPlaywrightCore } from '../../harness/install/find.ts';
import { pathToFileURL } from 'node:url';
/**
 * `sse-chaos install` on this machine, for real: toxiproxy-server is built with Go into a fresh cache
 * folder (Go's own module and build caches make that a link step), a second run finds it and builds
 * nothing, and check-only mode names the command that provides what is missing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../harness/install/provision.ts';
import { onPath } from '../../harness/topology/binaries.ts';

let cache: string;
beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'sse-chaos-install-'));
});
afterAll(async () => {
  await rm(cache, { recursive: true, force: true });
});

/** PATH with node and go but without any toxiproxy-server, so the cache is the only place it can be. */
function env(): NodeJS.ProcessEnv {
  const go = onPath('go')[0] ?? '/usr/local/go/bin/go';
  return {
    ...process.env,
    PATH: [dirname(process.execPath), dirname(go), '/usr/sbin', '/usr/bin', '/bin'].join(':'),
    SSE_CHAOS_CACHE_DIR: cache,
    SSE_CHAOS_TOXIPROXY: '',
  };
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = new URL('../../bin/sse-chaos.mjs', import.meta.url).pathname;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sse-chaos install', () => {
  it('check-only: a missing toxiproxy fails with the command that provides it (exit 3)', async () => {
    const r = await cli(['install', '--check']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`sse-chaos install (cache ${cache}): FAILED`);
    expect(r.stdout).toMatch(/toxiproxy\s+\[missing\]/);
    expect(r.stderr).toContain('`npx sse-chaos install` builds it with Go');
  });

  it('builds toxiproxy-server v2.12.0 into the cache, then finds it without building again', async () => {
    const first = await provision({ env: env(), browser: 'skip' });
    expect(first.failures).toEqual([]);
    const toxi = first.rows.find((r) => r.name === 'toxiproxy')!;
    expect(toxi.status).toBe('installed');
    const binary = join(cache, 'toxiproxy-v2.12.0', 'toxiproxy-server');
    expect(toxi.detail).toBe(`2.12.0  ${binary}`);
    const built = (await stat(binary)).mtimeMs;

    const second = await cli(['install']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`toxiproxy\\s+2\\.12\\.0\\s+${binary}`));
    expect(second.stdout).toMatch(/nginx\s+\d+\.\d+\.\d+\s+\//);
    expect(second.stderr).not.toContain('go install');
    expect((await stat(binary)).mtimeMs).toBe(built);
  }, 240_000);

  it('finds playwright-core where the harness will load it from, and nothing where it is not installed', () => {
    expect(findPlaywrightCore()).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown,
    });
    expect(findPlaywrightCore(pathToFileURL(join(tmpdir(), 'no-project', 'x.js')).href)).toBeUndefined();
  });
});
