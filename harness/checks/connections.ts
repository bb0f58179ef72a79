/**
 * One pass that rebuilds every connection and subscriber from the history, shared (memoized) by the
 * heartbeat, reconnect, buffering, shutdown and series code. Records of one subscriber are appended
 * in causal order, so a subscriber's events belong to its latest `connect`.
 */
import type { ClientProfileName, CloseReason, HistoryRecord } from '../history/records.ts';
import { servingUpstream } from '../history/upstream-header.ts';
import type { CheckContext } from './context.ts';
import { disruptions, type Lane } from './disruptions.ts';
import { memo } from './memo.ts';

export interface Connection {
  sub: number;
  lane: Lane;
  connectT: number;
  attempt: number;
  /** The Last-Event-ID this attempt sent ('' = none): its resume point. */
  lastEventId: string;
  responseT?: number;
  status?: number;
  /** A 200 `text/event-stream` response: a stream that can carry events. */
  open: boolean;
  /**
   * The instance that served it (several instances: the proxy's upstream header mapped through the
   * stack's `instance` records); undefined with one instance, or when the proxy answered itself.
   */
  instance?: string;
  firstByteT?: number;
  ttfbMs?: number;
  closeT?: number;
  closeReason?: CloseReason;
  /** Time of the last `retry:` field seen on this connection. */
  lastRetryT?: number;
  /** Time of the last byte-level observation (response, first byte, event, heartbeat, retry, reset). */
  lastObsT?: number;
  /** Longest silence on the open stream, including from the last byte to the close. */
  maxSilenceMs: number;
  /** Start of that longest silence. */
  maxSilenceStartT: number;
  /** Longest silence that touched no disruption of this subscriber. */
  maxSilenceOutsideMs: number;
  events: number;
  /** Silence between the last byte and the close (how idle the stream was when it ended). */
  silenceAtCloseMs?: number;
}

export interface Subscriber {
  sub: number;
  joinT: number;
  profile: ClientProfileName | undefined;
  /** Empty = every topic. */
  topics: readonly string[];
  lane: Lane;
  /** The client whose connections it shares (a real browser's context), if any. */
  client?: string;
  /** First 200 event-stream response. */
  firstOpenT?: number;
  unsubscribeT?: number;
  giveUpT?: number;
}

export interface ConnectionModel {
  connections: Connection[];
  subscribers: Map<number, Subscriber>;
}

export function isEventStream(status: number, contentType: string): boolean {
  return status === 200 && contentType.toLowerCase().includes('text/event-stream');
}

export function connectionModel(records: readonly HistoryRecord[], ctx: CheckContext): ConnectionModel {
  return memo(records, `connections:${ctx.faultSlackMs}`, () => build(records, ctx));
}

function build(records: readonly HistoryRecord[], ctx: CheckContext): ConnectionModel {
  const dis = disruptions(records, ctx);
  const subscribers = new Map<number, Subscriber>();
  const current = new Map<number, Connection>();
  const connections: Connection[] = [];
  /** Upstream address (or the proxy's server name) -> instance name. */
  const instanceBy = new Map<string, string>();

  const subscriber = (sub: number, t: number): Subscriber => {
    let s = subscribers.get(sub);
    if (!s) {
      s = { sub, joinT: t, profile: undefined, topics: [], lane: 'edge' };
      subscribers.set(sub, s);
    }
    return s;
  };

  const observe = (c: Connection, t: number): void => {
    if (!c.open || c.lastObsT === undefined) return;
    const from = c.lastObsT;
    const gap = t - from;
    if (gap > c.maxSilenceMs) {
      c.maxSilenceMs = gap;
      c.maxSilenceStartT = from;
    }
    if (gap > c.maxSilenceOutsideMs && !dis.forSub(c.sub).overlaps(from, t)) c.maxSilenceOutsideMs = gap;
    if (t > from) c.lastObsT = t;
  };

  for (const r of records) {
    switch (r.kind) {
      case 'instance':
        instanceBy.set(r.upstream, r.name);
        instanceBy.set(r.name, r.name);
        break;
      case 'subscriber': {
        const s = subscriber(r.sub, r.t);
        s.joinT = r.t;
        s.profile = r.profile;
        s.topics = r.topics;
        s.lane = r.lane;
        if (r.client !== undefined) s.client = r.client;
        break;
      }
      case 'unsubscribe':
        subscriber(r.sub, r.t).unsubscribeT ??= r.t;
        break;
      case 'give-up':
        subscriber(r.sub, r.t).giveUpT ??= r.t;
        break;
      case 'connect': {
        const s = subscriber(r.sub, r.t);
        const c: Connection = {
          sub: r.sub,
          lane: s.lane,
          connectT: r.t,
          attempt: r.attempt,
          lastEventId: r.lastEventId,
          open: false,
          maxSilenceMs: 0,
          maxSilenceStartT: r.t,
          maxSilenceOutsideMs: 0,
          events: 0,
        };
        connections.push(c);
        current.set(r.sub, c);
        break;
      }
      case 'response': {
        const c = current.get(r.sub);
        if (!c) break;
        c.responseT = r.t;
        c.status = r.status;
        c.open = isEventStream(r.status, r.contentType);
        if (r.upstream !== undefined) {
          const name = instanceBy.get(servingUpstream(r.upstream));
          if (name !== undefined) c.instance = name;
        }
        if (c.open) {
          c.lastObsT = r.t;
          subscriber(r.sub, r.t).firstOpenT ??= r.t;
        }
        break;
      }
      case 'first-byte': {
        const c = current.get(r.sub);
        if (!c) break;
        c.firstByteT ??= r.t;
        c.ttfbMs ??= r.ttfbMs;
        observe(c, r.t);
        break;
      }
      case 'event':
      case 'heartbeat':
      case 'reset':
      case 'retry': {
        const c = current.get(r.sub);
        if (!c) break;
        if (r.kind === 'event') c.events++;
        if (r.kind === 'retry') c.lastRetryT = r.t;
        observe(c, r.t);
        break;
      }
      case 'close': {
        const c = current.get(r.sub);
        if (!c) break;
        if (c.open && c.lastObsT !== undefined) c.silenceAtCloseMs = Math.max(0, r.t - c.lastObsT);
        observe(c, r.t);
        c.closeT = r.t;
        c.closeReason = r.reason;
        current.delete(r.sub);
        break;
      }
      default:
        break;
    }
  }
  return { connections, subscribers };
}
