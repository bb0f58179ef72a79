/**
 * Knowing when the fleet has caught up after the workload: every live subscriber holds every
 * publish of its topics acknowledged in the tail of the workload (its last `tailMs`). The tail is
 * what is still in flight when the workload ends; anything older that a subscriber lacks is a loss,
 * and waiting would not change it.
 *
 * Not "the highest seq": with concurrent publishers the highest seq can arrive before a lower one
 * still in flight, and stopping then would turn that event into a false loss.
 *
 * Reads the history incrementally (records since the last call), so polling it stays cheap with a
 * large fleet; the tail is fixed on the first call, which comes after the workload ended.
 */
import type { HistoryRecord } from '../history/records.ts';

export interface RecordSource {
  readonly size: number;
  at(i: number): HistoryRecord;
}

interface Sub {
  topics: string[];
  gone: boolean;
  /** Tail publishes (topic \0 seq) still missing. */
  missing: Set<string> | undefined;
}

export class DrainTracker {
  private next = 0;
  private tail: Map<string, Set<number>> | undefined;
  private readonly subs = new Map<number, Sub>();

  constructor(
    private readonly source: RecordSource,
    private readonly tailMs = 2000,
  ) {}

  /** Fixes the tail from the publishes acknowledged in the last tailMs before `workload-end`. */
  private fixTail(): void {
    let end = Number.NEGATIVE_INFINITY;
    const acked: { topic: string; seq: number; t: number }[] = [];
    for (let i = 0; i < this.source.size; i++) {
      const r = this.source.at(i);
      if (r.kind === 'publish') acked.push({ topic: r.topic, seq: r.seq, t: r.t });
      else if (r.kind === 'phase' && r.phase === 'workload-end') end = r.t;
    }
    if (end === Number.NEGATIVE_INFINITY) end = acked.at(-1)?.t ?? 0;
    const tail = new Map<string, Set<number>>();
    for (const p of acked) {
      if (p.t < end - this.tailMs) continue;
      let set = tail.get(p.topic);
      if (!set) tail.set(p.topic, (set = new Set()));
      set.add(p.seq);
    }
    this.tail = tail;
  }

  private missingFor(topics: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const [topic, seqs] of this.tail!) {
      if (topics.length && !topics.includes(topic)) continue;
      for (const seq of seqs) out.add(`${topic}\u0000${seq}`);
    }
    return out;
  }

  private consume(): void {
    if (!this.tail) this.fixTail();
    const n = this.source.size;
    for (; this.next < n; this.next++) {
      const r = this.source.at(this.next);
      switch (r.kind) {
        case 'subscriber':
          this.subs.set(r.sub, { topics: r.topics, gone: false, missing: undefined });
          break;
        case 'unsubscribe':
        case 'give-up': {
          const s = this.subs.get(r.sub);
          if (s) s.gone = true;
          break;
        }
        case 'event': {
          if (r.seq === undefined || r.topic === undefined) break;
          const s = this.subs.get(r.sub);
          if (!s) break;
          s.missing ??= this.missingFor(s.topics);
          s.missing.delete(`${r.topic}\u0000${r.seq}`);
          break;
        }
        default:
          break;
      }
    }
  }

  /** Live subscribers still missing a publish of the tail. */
  behind(): number {
    this.consume();
    let behind = 0;
    for (const s of this.subs.values()) {
      if (s.gone) continue;
      s.missing ??= this.missingFor(s.topics);
      if (s.missing.size > 0) behind++;
    }
    return behind;
  }
}
