/** Runs the real server process (`node --import tsx server/main.ts`) and owns it until killed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines so far. */
  logs(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/**
 * Spawns the server (`entry`: the script, default server/main.ts; zoo/main.ts has the same contract);
 * resolves after the process exits (for --help or bad flags) or once listening.
 */
export function runServer(
  args: string[],
  options: { waitForListening?: boolean; env?: Record<string, string>; entry?: string } = {},
): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'server/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  const logs = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const handle = (url: string): ServerProcess => ({
    proc,
    url,
    stdout: () => out,
    stderr: () => err,
    logs,
    exited,
  });
  if (options.waitForListening === false) return exited.then(() => handle(''));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not listen within 30 s:\n${out}\n${err}`)),
      30_000,
    );
    const onData = () => {
      const line = logs().find((l) => l.msg === 'listening');
      if (line) {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        resolve(handle(String(line.url)));
      }
    };
    proc.stdout!.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}\n${err}`));
    });
  });
}

/** Kills every server process still running (afterEach). */
export async function killAll(): Promise<void> {
  const waits = [...running].map(
    (p) =>
      new Promise<void>((r) =>
        p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r()),
      ),
  );
  for (const p of running) p.kill('SIGKILL');
  await Promise.all(waits);
}
