/**
 * The vocabulary of a run's history: every observation the harness makes, as plain data.
 *
 * Every record carries `t`, milliseconds on the run's monotonic clock (performance.now() minus the
 * run's origin), so records from publishers, subscribers and the nemesis are comparable without
 * wall-clock skew. Checks (harness/checks) read only these records; they never look at live state.
 */

/** Milliseconds since the run's origin on the monotonic clock. */
export type Millis = number;

/**
 * How a subscriber's client behaves between connections (see harness/client): `browser` is our model
 * of EventSource, `backoff` a well-behaved non-browser client, `chromium` a real browser's EventSource.
 */
export type ClientProfileName = 'browser' | 'backoff' | 'chromium';

/**
 * Which toxiproxy a fault or a subscriber goes through. `edge-b` is a second client-side lane to the
 * same nginx, so a fault can hit a deterministic fraction of the fleet. With several instances of the
 * target each has its own origin leg, `origin-1`, `origin-2`, ... (`origin` then means all of them),
 * and `redis` is the link from the instances to their shared Redis log.
 */
export type Leg = 'edge' | 'edge-b' | 'origin' | `origin-${number}` | 'redis';

/** Why a connection ended, as the client saw it. */
export type CloseReason =
  | 'eof' // the server ended the body cleanly
  | 'error' // a network error (detail holds the code, e.g. ECONNRESET)
  | 'stalled' // the idle watchdog saw no bytes for too long
  | 'aborted' // the harness stopped the subscriber
  | 'http-status' // a non-200 response (status holds it)
  | 'content-type' // 200 but not text/event-stream
  | 'parse-error'; // the stream broke a parser limit (line or event too large)

export type HistoryRecord =
  /** `run` is the nonce every payload of this run carries (see payload.ts). */
  | { kind: 'run-start'; t: Millis; wallClock: string; run?: string }
  | { kind: 'run-end'; t: Millis }
  /**
   * A subscriber joined the fleet. `client` names the client it shares connections with (a real
   * browser's context: its tabs share one connection pool and its per-origin limit); absent for a
   * subscriber with connections of its own.
   */
  | {
      kind: 'subscriber';
      t: Millis;
      sub: number;
      profile: ClientProfileName;
      topics: string[];
      lane: 'edge' | 'edge-b';
      client?: string;
    }
  /** A subscriber left the fleet on purpose (end of run or scenario step). */
  | { kind: 'unsubscribe'; t: Millis; sub: number }
  /** A connection attempt starts; `lastEventId` is what is sent ('' = none). */
  | { kind: 'connect'; t: Millis; sub: number; attempt: number; lastEventId: string }
  /**
   * Response headers arrived; `encoding` is the Content-Encoding when the body was compressed;
   * `upstream` is what the proxy said served it (its upstream address, see upstream-header.ts), when
   * the stack runs several instances of the target.
   */
  | {
      kind: 'response';
      t: Millis;
      sub: number;
      status: number;
      contentType: string;
      headersMs: number;
      encoding?: string;
      upstream?: string;
    }
  /** The first body byte of a connection arrived. */
  | { kind: 'first-byte'; t: Millis; sub: number; ttfbMs: number }
  /**
   * A dispatched event. `seq`, `topic` and `publishedAt` are decoded from this run's payload; an event
   * whose data is another run's payload is `foreign`, one whose data is no payload `undecodable` (both
   * without seq: never judged, only counted).
   */
  | {
      kind: 'event';
      t: Millis;
      sub: number;
      id: string;
      type: string;
      bytes: number;
      seq?: number;
      topic?: string;
      publishedAt?: Millis;
      payload?: 'foreign' | 'undecodable';
    }
  /** A comment line (the server's heartbeat). */
  | { kind: 'heartbeat'; t: Millis; sub: number }
  /** A `retry:` field; `ms` as sent, `appliedMs` after clamping. */
  | { kind: 'retry'; t: Millis; sub: number; ms: number; appliedMs: number }
  /** The server declared a gap (`event: reset`); `data` is its explanation. */
  | { kind: 'reset'; t: Millis; sub: number; data: string }
  /** A connection ended. */
  | { kind: 'close'; t: Millis; sub: number; reason: CloseReason; detail?: string; status?: number }
  /** The client decided to wait `delayMs` before reconnecting. */
  | { kind: 'reconnect-wait'; t: Millis; sub: number; delayMs: number; profile: ClientProfileName }
  /** The client gave up for good (e.g. browser profile after a non-200 status). */
  | { kind: 'give-up'; t: Millis; sub: number; reason: string }
  /** A publish the target acknowledged: `t` is the acknowledgement time, `sentAt` the request start. */
  | { kind: 'publish'; t: Millis; seq: number; topic: string; id: string; sentAt: Millis }
  /** A publish that was not acknowledged (it may or may not be in the log). */
  | { kind: 'publish-error'; t: Millis; seq: number; topic: string; sentAt: Millis; error: string }
  /** A fault window opens (`id` pairs it with its end). */
  | {
      kind: 'fault-start';
      t: Millis;
      id: number;
      fault: string;
      leg?: Leg;
      params: Record<string, unknown>;
    }
  | { kind: 'fault-end'; t: Millis; id: number; fault: string; error?: string }
  /** Something happened to the target process (`instance`: to that one instance of several). */
  | {
      kind: 'target';
      t: Millis;
      action: 'sigterm' | 'sigkill' | 'exit' | 'restart' | 'ready';
      detail?: string;
      instance?: string;
    }
  /**
   * One instance of a multi-instance target, recorded when the stack is up: the proxy names it by
   * `upstream` (the address it proxies to: the instance's own origin leg) in the upstream header.
   */
  | { kind: 'instance'; t: Millis; name: string; upstream: string; leg: string }
  /**
   * What a fault below TCP did on the target's link, read from the kernel as it ended: packets the
   * loss rules dropped, and the qdisc's packets, drops and overlimits (packets a shaper held back).
   */
  | {
      kind: 'link';
      t: Millis;
      fault: string;
      lossDropped: number;
      qdiscPackets: number;
      qdiscDropped: number;
      qdiscOverlimits: number;
    }
  /** Something happened to the stack's Redis (the shared log of a multi-instance target). */
  | { kind: 'redis'; t: Millis; action: 'stop' | 'exit' | 'start' | 'ready'; detail?: string }
  /** Something happened to nginx. */
  | { kind: 'nginx'; t: Millis; action: 'reload' | 'quit'; profile?: string }
  /** A scrape of the target's /metrics, flattened to `name{labels}` -> value. */
  | { kind: 'metrics'; t: Millis; label: string; samples: Record<string, number> }
  /** Workload and fleet phase markers the checks use as boundaries. */
  | { kind: 'phase'; t: Millis; phase: 'workload-start' | 'workload-end' | 'drained' };

export type HistoryKind = HistoryRecord['kind'];
export type RecordOf<K extends HistoryKind> = Extract<HistoryRecord, { kind: K }>;
