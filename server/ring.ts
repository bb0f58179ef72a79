/**
 * A bounded window of events indexed by sequence number. Sequence numbers are contiguous, so lookup
 * is one modulo: no search, no per-event allocation beyond the event itself.
 */
export class EventRing<T extends { readonly seq: number }> {
  private readonly slots: (T | undefined)[];
  private count = 0;
  private last: number;

  /** @param afterSeq the sequence number just before the first one this ring will hold. */
  constructor(
    readonly capacity: number,
    afterSeq = 0,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    }
    this.slots = new Array<T | undefined>(capacity);
    this.last = afterSeq;
  }

  get size(): number {
    return this.count;
  }

  /** Sequence number of the newest item, or the afterSeq given when empty. */
  get lastSeq(): number {
    return this.last;
  }

  /** Sequence number of the oldest retained item; lastSeq + 1 when empty. */
  get firstSeq(): number {
    return this.last - this.count + 1;
  }

  /** Adds the next item; evicts the oldest when full. */
  push(item: T): void {
    if (item.seq !== this.last + 1) {
      throw new Error(`ring expects sequence ${this.last + 1}, got ${item.seq}`);
    }
    this.slots[item.seq % this.capacity] = item;
    this.last = item.seq;
    if (this.count < this.capacity) this.count += 1;
  }

  get(seq: number): T | undefined {
    if (seq < this.firstSeq || seq > this.last) return undefined;
    return this.slots[seq % this.capacity];
  }

  /** Retained items, oldest first. */
  *values(): IterableIterator<T> {
    for (let s = this.firstSeq; s <= this.last; s += 1) yield this.slots[s % this.capacity] as T;
  }
}
