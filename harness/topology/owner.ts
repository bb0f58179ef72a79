/**
 * The one owner of everything a stack starts (testcontainers' model: whoever starts a resource
 * holds the handle that releases it). Steps run in reverse start order; `stop()` is idempotent and
 * never throws, so it is safe from `finally`, from error paths and from a Ctrl-C handler. Both
 * runtimes use it; the guardian (guardian.ts) and the container sweeper cover the owner dying.
 */
export class Owner {
  private readonly steps: Array<() => Promise<unknown>> = [];
  private stopping: Promise<void> | undefined;

  /** Registers how to release something just started. */
  own(step: () => Promise<unknown>): void {
    if (this.stopping) {
      // Started after the stop began (a race with an abort): release it right away.
      void step().catch(() => {});
      return;
    }
    this.steps.push(step);
  }

  /** Releases everything, newest first; resolves when all steps settled. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const step of this.steps.reverse()) await step().catch(() => {});
      this.steps.length = 0;
    })();
    return this.stopping;
  }
}
