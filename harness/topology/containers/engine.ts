/**
 * The Docker engine, started only when asked (`--start-engine`). On a machine without systemd (CI
 * containers, our sandboxes) nobody else starts `dockerd`; we start it in the background, record
 * the PID we started in the state dir, and `stopEngine()` stops exactly that process, never an
 * engine someone else runs.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { aptInstall, canAptInstall } from './apt.ts';
import { findTool, lastLines } from './command.ts';
import { dockerEndpoint, pingEngine } from './docker-http.mjs';

export interface EngineRecord {
  pid: number;
  /** The socket it listens on (absent: the default /var/run/docker.sock). */
  socket?: string;
  startedAt: string;
  log: string;
  /** The sse-chaos run that started it and stops it when it ends (absent: started by `--start-engine`, kept). */
  owner?: number;
}

export interface StartEngineOptions {
  /** Where the PID record and dockerd's log live. */
  stateDir: string;
  /** A private socket (tests use one so no other process mistakes it for the machine's engine). */
  socket?: string;
  /** Install docker.io with apt when dockerd is missing and we are root (default true). */
  install?: boolean;
  log?: (line: string) => void;
  /** How long dockerd may take to answer (default 60 s). */
  readyTimeoutMs?: number;
}

export interface StartEngineResult {
  /** False when an engine already answered (then nothing was started and nothing recorded). */
  started: boolean;
  installed: boolean;
  pid?: number;
  endpointEnv: { DOCKER_HOST?: string };
  ms: number;
}

const recordPath = (stateDir: string) => join(stateDir, 'dockerd.json');

export function writeEngineRecord(stateDir: string, record: EngineRecord): void {
  writeFileSync(recordPath(stateDir), `${JSON.stringify(record, null, 2)}\n`);
}

export function readEngineRecord(stateDir: string): EngineRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(recordPath(stateDir), 'utf8')) as EngineRecord;
    return Number.isInteger(r.pid) && r.pid > 0 ? r : undefined;
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and is a dockerd (a recycled PID must never be signalled). */
export function isDockerd(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
  } catch {
    return false;
  }
}

const socketEnv = (socket: string | undefined): { DOCKER_HOST?: string } =>
  socket ? { DOCKER_HOST: `unix://${socket}` } : {};

export async function startEngine(options: StartEngineOptions): Promise<StartEngineResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const env = { ...process.env, ...socketEnv(options.socket) };
  if (!options.socket) delete env.DOCKER_HOST;
  const endpoint = dockerEndpoint(env);
  if (await pingEngine(endpoint, 2_000)) {
    const ours = readEngineRecord(options.stateDir);
    const by = ours && isDockerd(ours.pid) ? `pid ${ours.pid}, started here earlier` : 'not started by us';
    log(`engine: already answering at ${options.socket ?? '/var/run/docker.sock'} (${by})`);
    return {
      started: false,
      installed: false,
      endpointEnv: socketEnv(options.socket),
      ms: performance.now() - started,
    };
  }
  let installed = false;
  let dockerd = findTool('dockerd');
  if (!dockerd) {
    if (options.install === false || !canAptInstall())
      throw new Error(
        'dockerd is not installed. Install it with `sudo apt-get install -y docker.io` (Debian/Ubuntu) or ' +
          'Docker Engine from your distribution, then run this again.',
      );
    await aptInstall(['docker.io'], log);
    installed = true;
    dockerd = findTool('dockerd');
    if (!dockerd) throw new Error('apt-get installed docker.io but dockerd is still not on PATH');
  }

  mkdirSync(options.stateDir, { recursive: true });
  const logPath = join(options.stateDir, 'dockerd.log');
  const args = options.socket
    ? ['--host', `unix://${options.socket}`, '--pidfile', join(options.stateDir, 'dockerd.pid')]
    : [];
  if (options.socket) mkdirSync(join(options.socket, '..'), { recursive: true });
  log(`engine: $ ${[dockerd, ...args].join(' ')} (log: ${logPath})`);
  const fd = openSync(logPath, 'a');
  // Detached in its own session: the engine outlives this command until `stop`.
  const child = spawn(dockerd, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${dockerd}`);
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();
  const record: EngineRecord = {
    pid,
    ...(options.socket ? { socket: options.socket } : {}),
    startedAt: new Date().toISOString(),
    log: logPath,
  };
  writeEngineRecord(options.stateDir, record);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (!(await pingEngine(endpoint, 1_000))) {
    if (exited || Date.now() > deadline) {
      const tail = existsSync(logPath) ? lastLines(readFileSync(logPath, 'utf8')) : '';
      if (!exited) process.kill(pid, 'SIGKILL');
      rmSync(recordPath(options.stateDir), { force: true });
      throw new Error(`dockerd ${exited ? 'exited' : 'did not answer in time'}; its log:\n${tail}`);
    }
    await sleep(200);
  }
  log(`engine: dockerd (pid ${pid}) answers`);
  return {
    started: true,
    installed,
    pid,
    endpointEnv: socketEnv(options.socket),
    ms: performance.now() - started,
  };
}

export interface StopEngineResult {
  stopped: boolean;
  pid?: number;
  reason?: string;
}

/** Stops the dockerd that `startEngine` recorded in `stateDir` (SIGTERM, SIGKILL after `graceMs`). */
export async function stopEngine(stateDir: string, graceMs = 30_000): Promise<StopEngineResult> {
  const record = readEngineRecord(stateDir);
  if (!record) return { stopped: false, reason: `no engine recorded in ${stateDir}` };
  const forget = () => rmSync(recordPath(stateDir), { force: true });
  if (!isDockerd(record.pid)) {
    forget();
    return { stopped: false, pid: record.pid, reason: `pid ${record.pid} is no longer a dockerd` };
  }
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isDockerd(record.pid) && Date.now() < deadline) await sleep(100);
  if (isDockerd(record.pid)) process.kill(record.pid, 'SIGKILL');
  while (isDockerd(record.pid)) await sleep(50);
  forget();
  return { stopped: true, pid: record.pid };
}
