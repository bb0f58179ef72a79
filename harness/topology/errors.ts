/**
 * Errors of the topology layer. A component that will not start is an infrastructure problem, not a
 * verdict about the system under test: the runner maps `InfrastructureError` to exit code 3.
 */

/** A component (nginx, toxiproxy, target, docker) failed to start or to answer. */
export class InfrastructureError extends Error {
  override readonly name = 'InfrastructureError';
  constructor(
    /** Which component: 'nginx' | 'toxiproxy' | 'target' | 'docker' | 'guardian' | ... */
    readonly component: string,
    message: string,
    /** The last lines the component printed, to show the user why. */
    readonly logTail = '',
    options?: { cause?: unknown },
  ) {
    super(
      `${component}: ${message}${logTail.trim() ? `\n--- ${component} log (tail) ---\n${logTail.trimEnd()}` : ''}`,
      options,
    );
  }
}

/** A target spec, profile name or parameter is invalid: a usage/configuration error (exit code 2). */
export class TopologyConfigError extends Error {
  override readonly name = 'TopologyConfigError';
}
