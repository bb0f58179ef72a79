/** Whether a pid on this host is alive (EPERM: alive, just not ours), for stale locks and owners. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
