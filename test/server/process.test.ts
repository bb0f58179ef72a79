/**
 * The real process: flags, signals, SIGKILL and restart with the file log. These are the behaviours
 * the chaos topology depends on, so they run against `node --import tsx server/main.ts`, not in-process.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStream, publish, publishOk, type TestStream } from './helpers.ts';
import { killAll, runServer } from './process-helpers.ts';

let dir: string;
const streams: TestStream[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sse-proc-'));
});
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

async function stream(url: string, headers?: Record<string, string>): Promise<TestStream> {
  const s = await openStream(url, '/events', headers);
  streams.push(s);
  return s;
}

/** Reads everything the server retains: a malformed id resets to the earliest event, a marker ends it. */
async function readAll(url: string): Promise<string[]> {
  const s = await stream(url, { 'Last-Event-ID': 'read-all' });
  await s.waitFor((x) => x.events.length > 0, 10_000, 'the reset');
  const marker = await publishOk(url, { topic: 'marker', data: 'end' });
  await s.waitFor((x) => x.events.at(-1)?.id === marker, 20_000, 'the marker');
  s.close();
  return s.events.filter((e) => e.event !== 'reset' && e.id !== marker).map((e) => e.id!);
}

describe('server process', () => {
  it('prints the bound URL for --port 0, --help exits 0, a bad value exits 2 with the reason', async () => {
    const server = await runServer(['--port', '0']);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url.endsWith(':0')).toBe(false);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.stderr()).toContain(`listening on ${server.url}`);
    server.proc.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    const help = await runServer(['--help'], { waitForListening: false });
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.stdout()).toContain('--log-retention <n>');

    const bad = await runServer(['--heartbeat-ms', 'soon'], { waitForListening: false });
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toContain(
      '--heartbeat-ms must be a non-negative integer (got "soon" from --heartbeat-ms)',
    );
  });

  it('SIGTERM ends every stream with a spread retry hint, exits 0, and a restart loses nothing', async () => {
    const logPath = join(dir, 'events.journal');
    const args = [
      '--log',
      'file',
      '--log-path',
      logPath,
      '--retry-ms',
      '1000',
      '--shutdown-jitter-ms',
      '2000',
    ];
    const first = await runServer(['--port', '0', ...args]);
    const open = await Promise.all([stream(first.url), stream(first.url), stream(first.url)]);
    await Promise.all(open.map((s) => s.waitFor((x) => x.items.length > 0)));
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(await publishOk(first.url, { data: `e${i}` }));
    await Promise.all(open.map((s) => s.waitFor((x) => x.events.length === 20, 10_000, 'twenty events')));

    first.proc.kill('SIGTERM');
    await Promise.all(open.map((s) => s.ended));
    expect(await first.exited).toEqual({ code: 0, signal: null });
    for (const s of open) {
      expect(s.events.map((e) => e.id)).toEqual(ids);
      const last = s.items.at(-1)!;
      expect(last.kind).toBe('retry');
      if (last.kind === 'retry') {
        expect(last.ms).toBeGreaterThanOrEqual(1000);
        expect(last.ms).toBeLessThanOrEqual(3000);
      }
    }
    const closes = first.logs().filter((l) => l.msg === 'stream close');
    expect(closes.map((l) => l.reason)).toEqual(['shutdown', 'shutdown', 'shutdown']);

    // Same port, same journal: what was acknowledged is all there, and ids continue.
    const port = new URL(first.url).port;
    const second = await runServer(['--port', port, ...args]);
    expect(second.url).toBe(first.url);
    const resumed = await stream(second.url, { 'Last-Event-ID': ids[0]! });
    await resumed.waitFor((x) => x.events.length === 19, 10_000, 'the replay');
    expect(resumed.events.map((e) => e.id)).toEqual(ids.slice(1));
    const next = await publishOk(second.url, { data: 'after restart' });
    expect(next > ids.at(-1)!).toBe(true);
  });

  it('after SIGKILL mid-publish, every acknowledged event is still there and ids keep increasing', async () => {
    const logPath = join(dir, 'events.journal');
    const args = ['--port', '0', '--log', 'file', '--log-path', logPath, '--log-retention', '100000'];
    const first = await runServer(args);
    const acked: string[] = [];
    let killed = false;
    const publisher = async (w: number) => {
      for (let i = 0; !killed; i += 1) {
        try {
          // An ack that arrives after the kill was sent is still an ack: the server committed it.
          const r = await publish(first.url, { topic: `w${w}`, data: `${w}:${i}` });
          if (r.status === 200) acked.push(r.json.id!);
        } catch {
          return; // connection refused/reset once the process is gone
        }
        if (acked.length >= 150 && !killed) {
          killed = true;
          first.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(publisher));
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(150);

    const second = await runServer(args);
    const stored = await readAll(second.url);
    const missing = acked.filter((id) => !stored.includes(id));
    expect(missing).toEqual([]);
    expect([...stored].sort()).toEqual(stored);
    expect(new Set(stored).size).toBe(stored.length);
    const next = await publishOk(second.url, { data: 'after' });
    expect(next > stored.at(-1)!).toBe(true);
  });

  it('a second signal exits at once while the first shutdown still waits', async () => {
    const server = await runServer(['--port', '0', '--grace-ms', '30000']);
    // A publish whose body never completes keeps the graceful shutdown waiting.
    const req = request(`${server.url}/publish`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '100' },
    });
    req.on('error', () => {});
    req.write('{"data":');
    await new Promise((r) => setTimeout(r, 200));
    server.proc.kill('SIGTERM');
    for (let i = 0; !server.logs().some((l) => l.msg === 'shutdown started') && i < 1000; i += 1) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    server.proc.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 143, signal: null });
    expect(
      server.logs().some((l) => l.msg === 'second signal: exiting now without finishing the shutdown'),
    ).toBe(true);
    req.destroy();
  });
});
