/**
 * Running the few host tools provisioning needs (apt-get, mmdebstrap, a binary's `-version`): output
 * captured for the error message, a bounded run time, and the child killed with us if we are
 * interrupted (it runs in our process group, so a terminal Ctrl-C reaches it too).
 */
import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import { onPath } from '../binaries.ts';

export interface CommandResult {
  code: number;
  output: string;
}

export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; default 10 minutes. */
  timeoutMs?: number;
  /** Each output line as it comes (progress for long installs). */
  onLine?: (line: string) => void;
  cwd?: string;
}

/** Runs `file args`, never rejects: a spawn error is code 127 with the error as output. */
export function runCommand(
  file: string,
  args: string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let output = '';
    let partial = '';
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    const take = (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      if (output.length > 1 << 20) output = output.slice(-(1 << 20));
      if (!options.onLine) return;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, output: `${output}${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

/** First executable named `name` on PATH or in the sbin folders (root tools live there). */
export function findTool(name: string, env = process.env): string | undefined {
  return onPath(name, [env.PATH ?? '', '/usr/sbin', '/sbin', '/usr/local/sbin'].join(delimiter))[0];
}

/** The last `n` lines of a command's output, for an error message. */
export function lastLines(text: string, n = 15): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
