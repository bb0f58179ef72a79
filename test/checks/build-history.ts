/**
 * A tiny builder that makes hand-made histories read like specifications:
 *
 *   const h = new HistoryBuilder()
 *     .subscriber(0, 1, { topics: ['a'] })
 *     .open(10, 1)                       // connect + 200 response + first byte
 *     .publish(100, 'a', 1)              // acknowledged at 100
 *     .deliver(105, 1, 'a', 1)           // sub 1 receives seq 1 (publishedAt from the publish)
 *     .build();                          // records sorted by t (stable)
 */
import { checkContext, type CheckContext, type CheckContextInput } from '../../harness/checks/context.ts';
import type { ClientProfileName, CloseReason, HistoryRecord, Leg } from '../../harness/history/records.ts';

export interface SubscriberOptions {
  profile?: ClientProfileName;
  topics?: string[];
  lane?: 'edge' | 'edge-b';
  /** The client whose connections it shares (a browser context). */
  client?: string;
}

export class HistoryBuilder {
  private readonly records: HistoryRecord[] = [];
  private readonly attempts = new Map<number, number>();
  /** publishedAt per topic/seq, so deliveries carry the right publish time. */
  private readonly publishedAt = new Map<string, number>();
  private faultId = 0;

  add(...records: HistoryRecord[]): this {
    this.records.push(...records);
    return this;
  }

  run(startT: number, endT: number): this {
    return this.add(
      { kind: 'run-start', t: startT, wallClock: '2026-01-01T00:00:00.000Z' },
      { kind: 'run-end', t: endT },
    );
  }

  phase(t: number, phase: 'workload-start' | 'workload-end' | 'drained'): this {
    return this.add({ kind: 'phase', t, phase });
  }

  subscriber(t: number, sub: number, o: SubscriberOptions = {}): this {
    return this.add({
      kind: 'subscriber',
      t,
      sub,
      profile: o.profile ?? 'browser',
      topics: o.topics ?? [],
      lane: o.lane ?? 'edge',
      ...(o.client !== undefined ? { client: o.client } : {}),
    });
  }

  /** Many subscribers at once: ids from..from+count-1. */
  fleet(t: number, count: number, o: SubscriberOptions = {}, from = 1): this {
    for (let i = 0; i < count; i++) this.subscriber(t, from + i, o);
    return this;
  }

  connect(t: number, sub: number, lastEventId = ''): this {
    // 1-based, as harness/client/subscriber.ts numbers them.
    const attempt = (this.attempts.get(sub) ?? 0) + 1;
    this.attempts.set(sub, attempt);
    return this.add({ kind: 'connect', t, sub, attempt, lastEventId });
  }

  response(t: number, sub: number, status = 200, contentType = 'text/event-stream'): this {
    return this.add({ kind: 'response', t, sub, status, contentType, headersMs: 1 });
  }

  firstByte(t: number, sub: number, ttfbMs: number): this {
    return this.add({ kind: 'first-byte', t, sub, ttfbMs });
  }

  /** connect at t, 200 response and first byte 1 ms later. */
  open(t: number, sub: number, lastEventId = ''): this {
    return this.connect(t, sub, lastEventId)
      .response(t + 1, sub)
      .firstByte(t + 1, sub, 1);
  }

  publish(t: number, topic: string, seq: number, sentAt = t - 1): this {
    this.publishedAt.set(`${topic}/${seq}`, sentAt);
    return this.add({ kind: 'publish', t, seq, topic, id: `${topic}-${seq}`, sentAt });
  }

  /** An event carrying a workload payload; publishedAt defaults to the matching publish's sentAt. */
  deliver(
    t: number,
    sub: number,
    topic: string,
    seq: number,
    o: { publishedAt?: number; bytes?: number } = {},
  ): this {
    const publishedAt = o.publishedAt ?? this.publishedAt.get(`${topic}/${seq}`) ?? t;
    return this.add({
      kind: 'event',
      t,
      sub,
      id: `${topic}-${seq}`,
      type: 'message',
      bytes: o.bytes ?? 100,
      seq,
      topic,
      publishedAt,
    });
  }

  /** Publishes `count` events on a topic every `everyMs` from `from`, each delivered to `subs` after `latencyMs`. */
  steady(o: {
    topic: string;
    from: number;
    everyMs: number;
    count: number;
    subs: number[];
    latencyMs: number;
    firstSeq?: number;
  }): this {
    const first = o.firstSeq ?? 1;
    for (let i = 0; i < o.count; i++) {
      const t = o.from + i * o.everyMs;
      this.publish(t, o.topic, first + i);
      for (const sub of o.subs) this.deliver(t - 1 + o.latencyMs, sub, o.topic, first + i);
    }
    return this;
  }

  heartbeat(t: number, sub: number): this {
    return this.add({ kind: 'heartbeat', t, sub });
  }

  retry(t: number, sub: number, ms: number, appliedMs = ms): this {
    return this.add({ kind: 'retry', t, sub, ms, appliedMs });
  }

  reset(t: number, sub: number, data = 'earliest available id is later'): this {
    return this.add({ kind: 'reset', t, sub, data });
  }

  close(t: number, sub: number, reason: CloseReason = 'eof'): this {
    return this.add({ kind: 'close', t, sub, reason });
  }

  wait(t: number, sub: number, delayMs: number, profile: ClientProfileName = 'browser'): this {
    return this.add({ kind: 'reconnect-wait', t, sub, delayMs, profile });
  }

  giveUp(t: number, sub: number, reason = 'http 503'): this {
    return this.add({ kind: 'give-up', t, sub, reason });
  }

  unsubscribe(t: number, sub: number): this {
    return this.add({ kind: 'unsubscribe', t, sub });
  }

  fault(
    startT: number,
    endT: number,
    fault: string,
    o: { leg?: Leg; params?: Record<string, unknown> } = {},
  ): this {
    const id = ++this.faultId;
    const start: HistoryRecord = { kind: 'fault-start', t: startT, id, fault, params: o.params ?? {} };
    if (o.leg) start.leg = o.leg;
    return this.add(start, { kind: 'fault-end', t: endT, id, fault });
  }

  target(t: number, action: 'sigterm' | 'sigkill' | 'exit' | 'restart' | 'ready', instance?: string): this {
    return this.add({ kind: 'target', t, action, ...(instance !== undefined ? { instance } : {}) });
  }

  /** One instance of several: the proxy names it by `upstream` (its origin leg's address). */
  instance(
    t: number,
    name: string,
    upstream: string,
    leg = `origin-${name.slice('instance-'.length)}`,
  ): this {
    return this.add({ kind: 'instance', t, name, upstream, leg });
  }

  /** connect at t, a 200 response naming the upstream that served it, and first byte 1 ms later. */
  openVia(t: number, sub: number, upstream: string, lastEventId = ''): this {
    return this.connect(t, sub, lastEventId)
      .add({
        kind: 'response',
        t: t + 1,
        sub,
        status: 200,
        contentType: 'text/event-stream',
        headersMs: 1,
        upstream,
      })
      .firstByte(t + 1, sub, 1);
  }

  publishError(t: number, topic: string, seq: number, error = 'HTTP 503: event not stored'): this {
    return this.add({ kind: 'publish-error', t, seq, topic, sentAt: t - 1, error });
  }

  redis(t: number, action: 'stop' | 'exit' | 'start' | 'ready'): this {
    return this.add({ kind: 'redis', t, action });
  }

  link(
    t: number,
    fault: string,
    c: Partial<{ lossDropped: number; qdiscPackets: number; qdiscDropped: number; qdiscOverlimits: number }>,
  ): this {
    return this.add({
      kind: 'link',
      t,
      fault,
      lossDropped: c.lossDropped ?? 0,
      qdiscPackets: c.qdiscPackets ?? 0,
      qdiscDropped: c.qdiscDropped ?? 0,
      qdiscOverlimits: c.qdiscOverlimits ?? 0,
    });
  }

  metrics(t: number, label: string, samples: Record<string, number>): this {
    return this.add({ kind: 'metrics', t, label, samples });
  }

  /** Records sorted by time; records at the same time keep the order they were added in. */
  build(): HistoryRecord[] {
    return this.records
      .map((r, i) => [r, i] as const)
      .sort((a, b) => a[0].t - b[0].t || a[1] - b[1])
      .map(([r]) => r);
  }
}

/** A check context with the suite's timing (tests override what they judge). */
export function testContext(o: Partial<CheckContextInput> = {}): CheckContext {
  return checkContext({
    heartbeatMs: 1000,
    browserDefaultRetryMs: 3000,
    backoffCapMs: 2000,
    watchdogMs: 3000,
    graceMs: 1500,
    ...o,
  });
}
