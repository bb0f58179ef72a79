/**
 * Published ports are a race on a shared machine: Docker picks a free host port, and another
 * process can bind it before Docker's proxy does ("address already in use"); Docker does not retry.
 * We do: a container that could not publish its ports is started again (a fresh random port, or a
 * fresh pick for fixed ones). The half-created container keeps its run labels, so the run's sweep
 * removes it.
 */
export function isPortClash(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /address already in use|port is already allocated/i.test(message);
}

export async function withPortRetry<T>(start: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !isPortClash(err)) throw err;
    }
  }
}
