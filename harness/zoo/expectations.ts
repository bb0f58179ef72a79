/**
 * What the defect zoo (zoo/, at the repository root) must prove: for every member, the scenario(s)
 * where its one defect shows, the SLO(s) that must flag it there, and the cause their diagnosis must
 * name. A detector that fires for the wrong reason, or names the wrong cause, does not count.
 *
 * The member names are the zoo's contract (zoo/catalog.ts); a test keeps the two lists equal.
 */
export interface ZooCatch {
  /**
   * A scenario of the user suite, or of the cluster suite (several instances on a Redis log): the
   * zoo runs a member through every suite its catches name (zoo/run.ts), and only those.
   */
  scenario: string;
  /** Every one of these must fail... */
  slos: string[];
  /** ...with a diagnosis that names the cause. */
  cause: RegExp;
}

export const ZOO_EXPECTATIONS: Readonly<Record<string, readonly ZooCatch[]>> = {
  'memory-log': [{ scenario: 'crash-restart', slos: ['nothing-lost-on-restart'], cause: /not made durable/ }],
  'fixed-retry': [
    { scenario: 'reconnect-storm', slos: ['no-reconnect-storm', 'reconnect-jitter'], cause: /no jitter/ },
  ],
  'ids-restart': [{ scenario: 'crash-restart', slos: ['no-silent-loss'], cause: /ids\s+restart/ }],
  'replay-includes-last': [
    { scenario: 'edge-partition', slos: ['no-duplicates'], cause: /Last-Event-ID event itself/ },
  ],
  'replay-all': [
    {
      scenario: 'edge-partition',
      slos: ['no-duplicates'],
      cause: /ignores Last-Event-ID and replays everything/,
    },
  ],
  'replay-none': [{ scenario: 'edge-partition', slos: ['no-silent-loss'], cause: /got no replay at all/ }],
  'no-heartbeat': [
    { scenario: 'idle-stretch', slos: ['heartbeat-silence'], cause: /heartbeats are not sent/ },
  ],
  'slow-client-skip': [{ scenario: 'slow-consumer', slos: ['no-silent-loss'], cause: /slow client/ }],
  'abrupt-shutdown': [{ scenario: 'graceful-shutdown', slos: ['graceful-shutdown'], cause: /retry:. hint/ }],
  'reset-always': [{ scenario: 'edge-partition', slos: ['no-needless-reset'], cause: /declared retention/ }],
  'reorder-concurrent': [{ scenario: 'concurrent-publishers', slos: ['in-order'], cause: /different order/ }],
  'app-buffered': [{ scenario: 'baseline', slos: ['no-proxy-buffering'], cause: /compress/ }],
  'no-resume-point': [
    { scenario: 'cut-before-first-event', slos: ['no-silent-loss'], cause: /resume point/ },
  ],
  'replay-live-race': [
    { scenario: 'reconnect-storm', slos: ['no-silent-loss'], cause: /race between reading the replay/ },
  ],
  'redis-local-replay': [
    {
      scenario: 'instance-failover',
      slos: ['no-silent-loss'],
      cause: /to one of several instances, whose replay/,
    },
  ],
  'redis-ack-before-append': [
    { scenario: 'redis-partition', slos: ['no-silent-loss'], cause: /acknowledged-before-durable/ },
    { scenario: 'redis-restart', slos: ['no-silent-loss'], cause: /acknowledged-before-durable/ },
  ],
};
