/** Runs the real `sse-chaos` bin (bin/sse-chaos.mjs) as a user would, and collects what it said. */
import { spawn } from 'node:child_process';

const bin = new URL('../../bin/sse-chaos.mjs', import.meta.url).pathname;

export interface BinRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `sse-chaos ARGS` with CI=1 (plain progress lines) and `env` over this process's environment. */
export function runBin(args: string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CI: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`sse-chaos ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
