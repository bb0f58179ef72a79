/**
 * A running server sse-chaos did not start, restarted through the control commands of its target
 * spec: the reference server, run by this test as a detached process that shell commands stop, kill
 * and start (as `docker stop`/`kill`/`start` or `systemctl` would). Its graceful-shutdown and
 * crash-restart scenarios give real verdicts; a command that fails or hangs is an infrastructure
 * error naming it, and leaves nothing running.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeEntry } from '../../harness/package-layout.ts';
import { runSuite } from '../../harness/run/suite.ts';
import { SCENARIO_DEFAULTS } from '../../harness/run/defaults.ts';
import { freePort } from '../../harness/topology/ports.ts';
import { parseTarget, type TargetSpecInput } from '../../harness/topology/target.ts';
import crashRestart from '../../scenarios/crash-restart.ts';
import gracefulShutdown from '../../scenarios/graceful-shutdown.ts';

const dir = mkdtempSync(join(tmpdir(), 'sse-chaos-url-control-'));
const pidFile = join(dir, 'server.pid');
let port = 0;
const d = SCENARIO_DEFAULTS.server;
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The server's pid, while the pid file names a live process. */
function serverPid(): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  port = await freePort();
});
afterAll(() => {
  const pid = serverPid();
  if (pid) process.kill(pid, 'SIGKILL');
  if (!process.env.KEEP_DIR) rmSync(dir, { recursive: true, force: true });
  else console.log('kept', dir);
});

/** Shell control commands for the reference server on `port` (setsid: it outlives the command's group). */
function control(): Record<string, string> {
  const argv = [
    process.execPath,
    ...nodeEntry('server/main'),
    ...['--host', '127.0.0.1', '--port', String(port), '--heartbeat-ms', String(d.heartbeatMs)],
    ...[
      '--retry-ms',
      String(d.retryMs),
      '--retry-jitter-ms',
      String(d.retryJitterMs),
      '--grace-ms',
      String(d.graceMs),
    ],
    ...['--log', 'file', '--log-path', join(dir, 'events.log'), '--log-retention', String(d.logRetention)],
  ];
  const waitGone = `while kill -0 "$(cat ${q(pidFile)})" 2>/dev/null; do sleep 0.05; done`;
  return {
    start: `setsid ${argv.map(q).join(' ')} >>${q(join(dir, 'server.log'))} 2>&1 </dev/null & echo $! >${q(pidFile)}`,
    stop: `kill -TERM "$(cat ${q(pidFile)})"; ${waitGone}`,
    kill: `kill -KILL "$(cat ${q(pidFile)})"; ${waitGone}`,
  };
}

const target = (extra: Partial<TargetSpecInput> = {}) =>
  parseTarget({
    kind: 'url',
    baseUrl: `http://127.0.0.1:${port}`,
    readyPath: '/readyz',
    readyTimeoutMs: 15_000,
    streamPath: '/events',
    publish: { path: '/publish' },
    declares: {
      heartbeatMs: d.heartbeatMs,
      retry: { baseMs: d.retryMs, jitterMs: d.retryJitterMs },
      retention: { events: d.logRetention },
      durable: true,
      shutdownGraceMs: d.graceMs,
    },
    ...extra,
  } as TargetSpecInput);

/** Processes whose command line holds `marker` (a hung command must leave none). */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('a url target with control commands', () => {
  it('runs graceful-shutdown and crash-restart against it, with real verdicts', async () => {
    const { execSync } = await import('node:child_process');
    execSync(control().start!, { shell: '/bin/sh' });
    const c = control();
    const { results } = await runSuite([gracefulShutdown, crashRestart], {
      target: target({ control: { stop: c.stop, kill: c.kill, start: c.start, timeoutMs: 20_000 } } as never),
      runtime: 'local',
    });
    for (const r of results.scenarios) {
      expect(r.verdict, `${r.name}: ${r.error ?? r.skipped?.reason ?? ''}`).toBe('pass');
      expect(r.asExpected).toBe(true);
    }
    expect(results.scenarios.map((r) => r.name)).toEqual(['graceful-shutdown', 'crash-restart']);
    // Left running as it was found.
    expect(serverPid()).toBeDefined();
  }, 120_000);

  it('is skipped, needs restart, without control commands', async () => {
    const { results } = await runSuite([gracefulShutdown], { target: target(), runtime: 'local' });
    expect(results.scenarios[0]).toMatchObject({ verdict: 'skipped', skipped: { needs: ['restart'] } });
  });

  it('reports a failing stop command as an infrastructure error naming it and quoting its output', async () => {
    const { results, infrastructureError } = await runSuite([gracefulShutdown], {
      target: target({
        control: { stop: 'echo "unit sse.service not loaded" >&2; exit 5', start: control().start },
      } as never),
      runtime: 'local',
    });
    expect(infrastructureError).toBe(true);
    expect(results.scenarios[0]!.verdict).toBe('error');
    expect(results.scenarios[0]!.error).toMatch(
      /control command "stop" \(`echo .*`\) failed with exit code 5/,
    );
    expect(results.scenarios[0]!.error).toMatch(/unit sse\.service not loaded/);
  }, 60_000);

  it('kills a hung command after its timeout, leaving nothing behind', async () => {
    const marker = `${process.pid}.25`;
    const { results } = await runSuite([gracefulShutdown], {
      target: target({
        control: {
          stop: { command: `echo draining; sleep ${marker}`, timeoutMs: 800 },
          start: control().start,
        },
      } as never),
      runtime: 'local',
    });
    expect(results.scenarios[0]!.error).toMatch(
      /control command "stop" \(`echo draining; sleep .*`\) did not finish within 800 ms; its process group was killed/,
    );
    expect(results.scenarios[0]!.error).toMatch(/draining/);
    expect(processesWith(`sleep ${marker}`)).toEqual([]);
  }, 60_000);
});
