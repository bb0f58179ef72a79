/**
 * Runs one of a URL target's control commands (stop, kill, start, restart): a shell line (`sh -c`)
 * or an argv, in its own process group (the guardian ends it if the harness dies), bounded by its
 * timeout. A command that fails or hangs is an infrastructure error naming the command and quoting
 * its output, and has its whole group killed first, so nothing of it is left behind. A command that
 * succeeds keeps what it started in the background (a start command's server is the user's).
 */
import { InfrastructureError } from './errors.ts';
import { releaseGroup } from './guardian.ts';
import { spawnManaged } from './managed-process.ts';
import { tail, withTimeout } from './readiness.ts';
import type { ControlCommand } from './target.ts';

export type ControlAction = 'stop' | 'kill' | 'start' | 'restart';

/** The argv and the words to show for a command. */
export function commandArgv(cmd: ControlCommand): { file: string; args: string[]; shown: string } {
  const line = typeof cmd === 'object' && !Array.isArray(cmd) ? cmd.command : cmd;
  if (typeof line === 'string') return { file: 'sh', args: ['-c', line], shown: line };
  return { file: line[0]!, args: line.slice(1), shown: line.join(' ') };
}

export function commandTimeout(cmd: ControlCommand, fallbackMs: number): number {
  return (typeof cmd === 'object' && !Array.isArray(cmd) ? cmd.timeoutMs : undefined) ?? fallbackMs;
}

/** Runs the command to its end; resolves with its output, or throws InfrastructureError. */
export async function runControlCommand(
  action: ControlAction,
  cmd: ControlCommand,
  defaultTimeoutMs: number,
): Promise<string> {
  const { file, args, shown } = commandArgv(cmd);
  const timeoutMs = commandTimeout(cmd, defaultTimeoutMs);
  const proc = spawnManaged(`target-${action}`, file, args);
  const exit = await withTimeout(proc.exited, timeoutMs);
  const output = proc.output();
  if (exit?.code === 0) {
    // Done: what it started in the background (a start command's server) is the user's, not ours.
    releaseGroup(proc.pid);
    return output;
  }
  // A command that failed or hung has its whole group ended: nothing of it is left running.
  await proc.stop(500);
  if (!exit) {
    throw new InfrastructureError(
      'target',
      `control command "${action}" (\`${shown}\`) did not finish within ${timeoutMs} ms; its process group was killed`,
      tail(output),
    );
  }
  throw new InfrastructureError(
    'target',
    `control command "${action}" (\`${shown}\`) failed with ${exit.code === null ? `signal ${exit.signal}` : `exit code ${exit.code}`}`,
    tail(output),
  );
}
