/** IPC with the benchmarks' forked client processes: await their next report, always stop them. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** The child's next IPC message; rejects on `{type:'error'}`, on exit, or after timeoutMs. */
export function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  timeoutMs: number,
  name: string,
): Promise<Exclude<T, { type: 'error' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name} child ${child.pid} sent nothing within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: T): void => {
      cleanup();
      if (m.type === 'error')
        reject(new Error(`${name} child failed: ${(m as { message?: string }).message}`));
      else resolve(m as Exclude<T, { type: 'error' }>);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`${name} child ${child.pid} exited (code ${code}) before reporting`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Asks a forked child to stop ('stop' over IPC), SIGKILL after graceMs; resolves once it exited. */
export async function stopForked(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  if (child.connected) child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
