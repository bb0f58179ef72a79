/** Exit codes of `sse-chaos` (docs/architecture.md, "Contracts"): CI gates on them. */
export const EXIT = {
  /** Every verdict as expected. */
  ok: 0,
  /** An SLO verdict not as expected. */
  unexpected: 1,
  /** Usage or configuration error. */
  usage: 2,
  /** Infrastructure error (a component would not start). */
  infrastructure: 3,
  /** Interrupted (SIGINT), the shell convention 128 + 2. */
  interrupted: 130,
} as const;
