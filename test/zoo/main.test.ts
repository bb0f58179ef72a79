/**
 * zoo/main.ts as the harness runs it: a real process with server/main.ts's contract (flags,
 * environment, the JSON "listening" line, endpoints, exit codes) plus --defect.
 */
import { describe, expect, it } from 'vitest';
import { memberNames } from '../../zoo/catalog.ts';
import { publishOk } from '../server/helpers.ts';
import { runServer } from '../server/process-helpers.ts';
import { useProcesses } from './helpers.ts';

const ZOO = { entry: 'zoo/main.ts' };
const procs = useProcesses('sse-zoo-main-');

describe('zoo/main.ts', () => {
  it('exits 2 naming every member when --defect is missing or unknown', async () => {
    for (const args of [
      ['--port', '0'],
      ['--defect', 'replay-sometimes', '--port', '0'],
    ]) {
      const p = await runServer(args, { ...ZOO, waitForListening: false });
      expect((await p.exited).code, args.join(' ')).toBe(2);
      expect(p.stderr()).toMatch(/^sse-zoo: (missing --defect <name>|unknown defect "replay-sometimes"); /);
      for (const name of memberNames) expect(p.stderr()).toContain(name);
      expect(p.stdout()).toBe('');
    }
  });

  it('--help lists the members and the server flags and exits 0', async () => {
    const p = await runServer(['--help'], { ...ZOO, waitForListening: false });
    expect(await p.exited).toEqual({ code: 0, signal: null });
    for (const name of memberNames) expect(p.stdout()).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(p.stdout()).toContain('--heartbeat-ms <ms>');
  });

  it("passes a bad server flag to the server's own check: exit 2 with its message", async () => {
    const p = await runServer(['--defect', 'no-heartbeat', '--heartbeat-ms', 'soon'], {
      ...ZOO,
      waitForListening: false,
    });
    expect((await p.exited).code).toBe(2);
    expect(p.stderr()).toContain(
      '--heartbeat-ms must be a non-negative integer (got "soon" from --heartbeat-ms)',
    );
  });

  it('serves the reference endpoints, takes flags and environment, and exits 0 on SIGTERM', async () => {
    const p = await runServer(['--defect', 'fixed-retry', '--port', '0'], {
      ...ZOO,
      env: { SSE_RETRY_MS: '1234', SSE_RETRY_JITTER_MS: '5000' },
    });
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.logs().find((l) => l.msg === 'zoo member')).toMatchObject({ defect: 'fixed-retry' });
    expect(p.logs().find((l) => l.msg === 'listening')).toMatchObject({ url: p.url, retryMs: 1234 });
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${p.url}${path}`)).status, path).toBe(200);
    }
    const s = await procs.stream(p.url);
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const id = await publishOk(p.url, { data: 'hello' });
    await s.waitFor((x) => x.events.some((e) => e.id === id), 10_000, 'the event');
    expect(s.items[0]).toMatchObject({ kind: 'retry', ms: 1234 });
    p.proc.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });
});
