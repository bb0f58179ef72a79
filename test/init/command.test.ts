/** `sse-chaos init` through the real bin, without a terminal: flags only. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = new URL('../../bin/sse-chaos.mjs', import.meta.url).pathname;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sse-chaos-init-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function init(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'init', '--dir', dir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sse-chaos init', () => {
  it('without the heartbeat interval it writes nothing and names the flag (exit 2)', async () => {
    const r = await init(['--command', 'node server.js']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--heartbeat-ms is required');
    expect(existsSync(join(dir, 'sse-chaos.target.json'))).toBe(false);
  });

  it('without a command or URL it says how to give one (exit 2)', async () => {
    const r = await init(['--heartbeat-ms', '5000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--command "node server.js --port {port}"');
  });

  it('a publish body that is not JSON is refused, naming the flag', async () => {
    const r = await init(['--command', 'node s.js', '--heartbeat-ms', '5000', '--publish-body', '{nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--publish-body: not JSON');
  });

  it('writes the target, the config, the workflow and the .gitignore line; keeps them on a second run', async () => {
    await writeFile(join(dir, '.gitignore'), 'node_modules/\n');
    const r = await init([
      '--command',
      "node 'my server.js' --port {port}",
      '--stream-path',
      '/stream',
      '--publish-body',
      '{"channel":"{{topic}}","payload":"{{data}}"}',
      '--id-path',
      'eventId',
      '--heartbeat-ms',
      '5000',
      '--retention-events',
      '500',
      '--durable',
    ]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['sse-chaos.target.json', 'sse-chaos.config.ts', '.github/workflows/sse-chaos.yml'])
      expect(r.stdout).toContain(`wrote    ${f}`);
    const target = JSON.parse(await readFile(join(dir, 'sse-chaos.target.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(target).toEqual({
      kind: 'command',
      command: ['node', 'my server.js', '--port', '{port}'],
      readyPath: '/',
      streamPath: '/stream',
      publish: {
        path: '/publish',
        bodyTemplate: { channel: '{{topic}}', payload: '{{data}}' },
        idPath: 'eventId',
      },
      declares: { heartbeatMs: 5000, retention: { events: 500 }, durable: true },
    });
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe(
      'node_modules/\n# sse-chaos reports\nreports/out/\n',
    );

    const again = await init(['--url', 'http://127.0.0.1:1', '--heartbeat-ms', '1000']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('kept     sse-chaos.target.json (exists; --force overwrites it)');
    expect(again.stdout).not.toContain('.gitignore');
    expect(JSON.parse(await readFile(join(dir, 'sse-chaos.target.json'), 'utf8'))).toEqual(target);
  });
});
