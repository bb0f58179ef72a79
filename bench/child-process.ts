/** Small owners for the benchmark's child processes: start, read their one-line reports, always stop. */
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ServerChild {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a server that prints `{"msg":"listening","url":...}` on stdout; resolves with its URL. */
export async function startServerChild(
  name: string,
  args: string[],
  timeoutMs = 20_000,
): Promise<ServerChild> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = (): Promise<void> => stopChild(child);
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not report listening within ${timeoutMs} ms: ${output}`)),
        timeoutMs,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (code ${code}) before listening: ${output}`));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output = (output + line + '\n').slice(-4000);
        if (!line.includes('listening')) return;
        try {
          const m = JSON.parse(line) as { msg?: string; url?: string };
          if (m.msg === 'listening' && m.url) {
            clearTimeout(timer);
            resolve(m.url);
          }
        } catch {
          // Not the JSON line we wait for.
        }
      });
    });
    return { url, pid: child.pid!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the child is gone. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Runs a node script to completion and parses the last stdout line as JSON. */
export async function runJsonChild<T>(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<T> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`${name} exited with ${code}: ${err.trim().slice(-1500)}`);
    const last = out.trim().split('\n').pop() ?? '';
    return JSON.parse(last) as T;
  } finally {
    clearTimeout(timer);
    await stopChild(child);
  }
}

const serverMain = fileURLToPath(new URL('../server/main.ts', import.meta.url));

/** node argv for the reference server on a free loopback port with a memory log (no npx wrapper). */
export function referenceServerArgs(heartbeatMs: number): string[] {
  return [
    '--import',
    'tsx',
    serverMain,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--heartbeat-ms',
    String(heartbeatMs),
    '--log',
    'memory',
  ];
}
