/**
 * The History: the append-only record of one run.
 *
 * Why columnar: a fleet of 10,000 subscribers x hundreds of events appends millions of `event` and
 * `heartbeat` records. As objects they cost ~150+ bytes each (see test/history/memory.ts); here the
 * two hot kinds live in typed-array columns (strings interned: an event id is shared by every
 * subscriber that received it) and are materialized as plain records only when iterated. Every other
 * kind is rare and kept as the object it was appended as.
 */
import type { HistoryKind, HistoryRecord, Millis, RecordOf } from './records.ts';
import { appendHot, type HistorySink } from './sink.ts';

const TAG_OBJECT = 0;
const TAG_EVENT = 1;
const TAG_HEARTBEAT = 2;
const NONE = 0xffffffff;
/** Payload classes of an event (see payload.ts), as stored in a byte column. */
const PAYLOAD_OURS = 0;
const PAYLOAD_FOREIGN = 1;
const PAYLOAD_UNDECODABLE = 2;

/** A growable typed-array column. */
class Column<T extends Float64Array | Uint32Array | Uint8Array> {
  data: T;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < n) size *= 2;
    const next = this.make(size);
    next.set(this.data);
    this.data = next;
  }
  /** Bytes reserved (for memory reports). */
  get bytes(): number {
    return this.data.byteLength;
  }
}

/** Strings seen often (event ids, types, topics), stored once and referred to by index. */
class Interner {
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      // Copy: a value sliced from a large chunk string would otherwise keep that chunk alive
      // (concatenation then slicing flattens into a new string of just these characters).
      const own = s.length > 12 ? (' ' + s).slice(1) : s;
      i = this.values.length;
      this.values.push(own);
      this.index.set(own, i);
    }
    return i;
  }
}

export type EventRecord = RecordOf<'event'>;

export class History implements HistorySink {
  /** A history holding `records` in order (tests, imports). */
  static from(records: Iterable<HistoryRecord>): History {
    const h = new History();
    for (const r of records) h.append(r);
    return h;
  }

  private n = 0;
  private readonly tag = new Column((k) => new Uint8Array(k));
  private readonly slot = new Column((k) => new Uint32Array(k));
  private readonly objects: HistoryRecord[] = [];

  // Event columns.
  private ne = 0;
  private readonly eT = new Column((k) => new Float64Array(k));
  private readonly eSub = new Column((k) => new Uint32Array(k));
  private readonly eId = new Column((k) => new Uint32Array(k));
  private readonly eType = new Column((k) => new Uint32Array(k));
  private readonly eBytes = new Column((k) => new Uint32Array(k));
  private readonly eSeq = new Column((k) => new Float64Array(k)); // NaN: absent
  private readonly eTopic = new Column((k) => new Uint32Array(k)); // NONE: absent
  private readonly ePub = new Column((k) => new Float64Array(k)); // NaN: absent
  private readonly eClass = new Column((k) => new Uint8Array(k)); // PAYLOAD_*

  // Heartbeat columns.
  private nh = 0;
  private readonly hT = new Column((k) => new Float64Array(k));
  private readonly hSub = new Column((k) => new Uint32Array(k));

  private readonly strings = new Interner();
  private readonly kindCounts = new Map<HistoryKind, number>();

  /** Number of records appended. */
  get size(): number {
    return this.n;
  }

  /** How many records of a kind were appended (O(1)). */
  count(kind: HistoryKind): number {
    return this.kindCounts.get(kind) ?? 0;
  }

  append(record: HistoryRecord): void {
    if (appendHot(this, record)) return;
    this.push(TAG_OBJECT, this.objects.length);
    this.objects.push(record);
    this.bump(record.kind);
  }

  /** The hot path for the fleet: an event without building a record object. */
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
    const i = this.ne++;
    const k = i + 1;
    this.eT.ensure(k);
    this.eSub.ensure(k);
    this.eId.ensure(k);
    this.eType.ensure(k);
    this.eBytes.ensure(k);
    this.eSeq.ensure(k);
    this.eTopic.ensure(k);
    this.ePub.ensure(k);
    this.eClass.ensure(k);
    this.eT.data[i] = t;
    this.eSub.data[i] = sub;
    this.eId.data[i] = this.strings.id(id);
    this.eType.data[i] = this.strings.id(type);
    this.eBytes.data[i] = bytes;
    this.eSeq.data[i] = seq ?? NaN;
    this.eTopic.data[i] = topic === undefined ? NONE : this.strings.id(topic);
    this.ePub.data[i] = publishedAt ?? NaN;
    this.eClass.data[i] =
      payload === 'foreign'
        ? PAYLOAD_FOREIGN
        : payload === 'undecodable'
          ? PAYLOAD_UNDECODABLE
          : PAYLOAD_OURS;
    this.push(TAG_EVENT, i);
    this.bump('event');
  }

  appendHeartbeat(t: Millis, sub: number): void {
    const i = this.nh++;
    this.hT.ensure(i + 1);
    this.hSub.ensure(i + 1);
    this.hT.data[i] = t;
    this.hSub.data[i] = sub;
    this.push(TAG_HEARTBEAT, i);
    this.bump('heartbeat');
  }

  /** Every record in append order (hot kinds are materialized as fresh objects). */
  *records(): IterableIterator<HistoryRecord> {
    const n = this.n;
    for (let i = 0; i < n; i++) yield this.at(i);
  }

  [Symbol.iterator](): IterableIterator<HistoryRecord> {
    return this.records();
  }

  /** The records of one kind, in append order. */
  *ofKind<K extends HistoryKind>(kind: K): IterableIterator<RecordOf<K>> {
    if (this.count(kind) === 0) return;
    if (kind === 'event') {
      for (let i = 0; i < this.ne; i++) yield this.event(i) as RecordOf<K>;
    } else if (kind === 'heartbeat') {
      for (let i = 0; i < this.nh; i++)
        yield { kind: 'heartbeat', t: this.hT.data[i], sub: this.hSub.data[i] } as RecordOf<K>;
    } else {
      for (const r of this.objects) if (r.kind === kind) yield r as RecordOf<K>;
    }
  }

  /** The records of one subscriber, in append order. */
  *ofSubscriber(sub: number): IterableIterator<HistoryRecord> {
    for (const r of this.records()) if ('sub' in r && r.sub === sub) yield r;
  }

  /** Record number `i` (0-based, append order). */
  at(i: number): HistoryRecord {
    if (i < 0 || i >= this.n) throw new RangeError(`history has ${this.n} records; no record #${i}`);
    const s = this.slot.data[i];
    switch (this.tag.data[i]) {
      case TAG_EVENT:
        return this.event(s);
      case TAG_HEARTBEAT:
        return { kind: 'heartbeat', t: this.hT.data[s], sub: this.hSub.data[s] };
      default:
        return this.objects[s];
    }
  }

  /** Bytes held by the columns, the order index and the interned strings (objects not counted). */
  get columnBytes(): number {
    const cols = [this.tag, this.slot, this.eT, this.eSub, this.eId, this.eType, this.eBytes, this.eSeq];
    return [...cols, this.eTopic, this.ePub, this.eClass, this.hT, this.hSub].reduce(
      (a, c) => a + c.bytes,
      0,
    );
  }

  private event(i: number): EventRecord {
    const r: EventRecord = {
      kind: 'event',
      t: this.eT.data[i],
      sub: this.eSub.data[i],
      id: this.strings.values[this.eId.data[i]],
      type: this.strings.values[this.eType.data[i]],
      bytes: this.eBytes.data[i],
    };
    const seq = this.eSeq.data[i];
    if (!Number.isNaN(seq)) r.seq = seq;
    const topic = this.eTopic.data[i];
    if (topic !== NONE) r.topic = this.strings.values[topic];
    const pub = this.ePub.data[i];
    if (!Number.isNaN(pub)) r.publishedAt = pub;
    const cls = this.eClass.data[i];
    if (cls === PAYLOAD_FOREIGN) r.payload = 'foreign';
    else if (cls === PAYLOAD_UNDECODABLE) r.payload = 'undecodable';
    return r;
  }

  private push(tag: number, slot: number): void {
    const i = this.n++;
    this.tag.ensure(i + 1);
    this.slot.ensure(i + 1);
    this.tag.data[i] = tag;
    this.slot.data[i] = slot;
  }

  private bump(kind: HistoryKind): void {
    this.kindCounts.set(kind, (this.kindCounts.get(kind) ?? 0) + 1);
  }
}
