/**
 * Record batches: how a fleet process ships what it recorded to the runner's History. A batch is
 * columnar like the History (events and heartbeats in typed arrays, their strings once per batch), so
 * it crosses a process boundary as a few buffers (structured clone, `serialization: 'advanced'`)
 * instead of millions of objects, and the sender keeps nothing once a batch is taken.
 */
import type { HistoryRecord, Millis } from './records.ts';
import { appendHot, type HistorySink } from './sink.ts';

const TAG_OBJECT = 0;
const TAG_EVENT = 1;
const TAG_HEARTBEAT = 2;
const PAYLOAD_OURS = 0;
const PAYLOAD_FOREIGN = 1;
const PAYLOAD_UNDECODABLE = 2;

/** What one batch holds, in append order (`tags` says which column each next record comes from). */
export interface RecordBatch {
  tags: Uint8Array;
  objects: HistoryRecord[];
  strings: string[];
  event: {
    t: Float64Array;
    sub: Uint32Array;
    id: Uint32Array;
    type: Uint32Array;
    bytes: Uint32Array;
    /** NaN: absent. */
    seq: Float64Array;
    /** -1: absent. */
    topic: Int32Array;
    /** NaN: absent. */
    publishedAt: Float64Array;
    payload: Uint8Array;
  };
  heartbeat: { t: Float64Array; sub: Uint32Array };
}

/** A HistorySink that collects records until `take()` hands them over as one batch. */
export class BatchRecorder implements HistorySink {
  private tags: number[] = [];
  private objects: HistoryRecord[] = [];
  private strings = new Map<string, number>();
  private e = newEventColumns();
  private hT: number[] = [];
  private hSub: number[] = [];

  /** Records collected since the last take. */
  get size(): number {
    return this.tags.length;
  }

  append(record: HistoryRecord): void {
    if (appendHot(this, record)) return;
    this.tags.push(TAG_OBJECT);
    this.objects.push(record);
  }

  appendEvent(
    t: Millis,
    sub: number,
    id: string,
    type: string,
    bytes: number,
    seq?: number,
    topic?: string,
    publishedAt?: Millis,
    payload?: 'foreign' | 'undecodable',
  ): void {
    const e = this.e;
    this.tags.push(TAG_EVENT);
    e.t.push(t);
    e.sub.push(sub);
    e.id.push(this.intern(id));
    e.type.push(this.intern(type));
    e.bytes.push(bytes);
    e.seq.push(seq ?? NaN);
    e.topic.push(topic === undefined ? -1 : this.intern(topic));
    e.publishedAt.push(publishedAt ?? NaN);
    e.payload.push(
      payload === 'foreign'
        ? PAYLOAD_FOREIGN
        : payload === 'undecodable'
          ? PAYLOAD_UNDECODABLE
          : PAYLOAD_OURS,
    );
  }

  appendHeartbeat(t: Millis, sub: number): void {
    this.tags.push(TAG_HEARTBEAT);
    this.hT.push(t);
    this.hSub.push(sub);
  }

  /** Everything recorded since the last take, as one batch; the recorder starts empty again. */
  take(): RecordBatch {
    const e = this.e;
    const batch: RecordBatch = {
      tags: Uint8Array.from(this.tags),
      objects: this.objects,
      strings: [...this.strings.keys()],
      event: {
        t: Float64Array.from(e.t),
        sub: Uint32Array.from(e.sub),
        id: Uint32Array.from(e.id),
        type: Uint32Array.from(e.type),
        bytes: Uint32Array.from(e.bytes),
        seq: Float64Array.from(e.seq),
        topic: Int32Array.from(e.topic),
        publishedAt: Float64Array.from(e.publishedAt),
        payload: Uint8Array.from(e.payload),
      },
      heartbeat: { t: Float64Array.from(this.hT), sub: Uint32Array.from(this.hSub) },
    };
    this.tags = [];
    this.objects = [];
    this.strings = new Map();
    this.e = newEventColumns();
    this.hT = [];
    this.hSub = [];
    return batch;
  }

  private intern(s: string): number {
    let i = this.strings.get(s);
    if (i === undefined) this.strings.set(s, (i = this.strings.size));
    return i;
  }
}

function newEventColumns() {
  return {
    t: [] as number[],
    sub: [] as number[],
    id: [] as number[],
    type: [] as number[],
    bytes: [] as number[],
    seq: [] as number[],
    topic: [] as number[],
    publishedAt: [] as number[],
    payload: [] as number[],
  };
}

/** Appends a batch's records to `sink` in the order they were recorded. */
export function appendBatch(sink: HistorySink, b: RecordBatch): void {
  const { event: e, heartbeat: h, strings } = b;
  let o = 0;
  let k = 0;
  let j = 0;
  for (let i = 0; i < b.tags.length; i++) {
    const tag = b.tags[i];
    if (tag === TAG_EVENT) {
      const seq = e.seq[k]!;
      const topic = e.topic[k]!;
      const pub = e.publishedAt[k]!;
      const cls = e.payload[k]!;
      sink.appendEvent(
        e.t[k]!,
        e.sub[k]!,
        strings[e.id[k]!]!,
        strings[e.type[k]!]!,
        e.bytes[k]!,
        Number.isNaN(seq) ? undefined : seq,
        topic < 0 ? undefined : strings[topic],
        Number.isNaN(pub) ? undefined : pub,
        cls === PAYLOAD_FOREIGN ? 'foreign' : cls === PAYLOAD_UNDECODABLE ? 'undecodable' : undefined,
      );
      k++;
    } else if (tag === TAG_HEARTBEAT) {
      sink.appendHeartbeat(h.t[j]!, h.sub[j]!);
      j++;
    } else {
      sink.append(b.objects[o++]!);
    }
  }
}

/** Records in a batch (for counters and tests). */
export function batchSize(b: RecordBatch): number {
  return b.tags.length;
}
