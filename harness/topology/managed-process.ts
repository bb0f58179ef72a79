/**
 * A child process with one owner: its own process group (so nginx workers or a `npx` wrapper die
 * with it), registered with the guardian, output captured for the report, and a `stop()` that
 * always ends the whole group.
 */
import { spawn } from 'node:child_process';
import { guardGroup, releaseGroup } from './guardian.ts';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly running: boolean;
  /** Resolves when the process exits (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Combined stdout+stderr so far (the last `maxLogBytes`). */
  output(): string;
  /** Called for each complete output line (stdout and stderr). */
  onLine(listener: (line: string) => void): void;
  /** Signals the process (the leader only; use stop() to end the whole group). */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM the group, SIGKILL it after `graceMs`, resolve when the leader has exited. Idempotent. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep at most this much output (the tail). Default 1 MiB. */
  maxLogBytes?: number;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

export function spawnManaged(
  name: string,
  file: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ManagedProcess {
  const maxLogBytes = options.maxLogBytes ?? 1 << 20;
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true, // Own process group: we can kill it (and its children) as one.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let running = true;
  const lineListeners: Array<(line: string) => void> = [];
  const partial = { stdout: '', stderr: '' };

  const pid = child.pid;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (err) => {
      log += `\n[spawn error] ${err.message}\n`;
      running = false;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  if (pid !== undefined) guardGroup(pid);

  const capture = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    log += text;
    if (log.length > maxLogBytes) log = log.slice(log.length - maxLogBytes);
    if (lineListeners.length === 0) return;
    partial[stream] += text;
    const lines = partial[stream].split('\n');
    partial[stream] = lines.pop() ?? '';
    for (const line of lines) for (const l of lineListeners) l(line);
  };
  child.stdout.on('data', capture('stdout'));
  child.stderr.on('data', capture('stderr'));

  let stopping: Promise<ExitInfo> | undefined;
  const handle: ManagedProcess = {
    name,
    pid: pid ?? -1,
    get running() {
      return running;
    },
    exited,
    output: () => log,
    onLine: (listener) => void lineListeners.push(listener),
    kill(signal) {
      if (running && pid !== undefined) child.kill(signal);
    },
    stop(graceMs = 2_000) {
      stopping ??= (async () => {
        if (pid === undefined) return exited;
        if (running) signalGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
        const info = await exited;
        clearTimeout(timer);
        signalGroup(pid, 'SIGKILL'); // Stragglers in the group (nginx workers, wrapped children).
        releaseGroup(pid);
        return info;
      })();
      return stopping;
    },
  };
  // A process that exits on its own still leaves its group registered until stop(); that is fine:
  // stop() is always called by the owner, and the guardian ignores gone groups.
  return handle;
}
