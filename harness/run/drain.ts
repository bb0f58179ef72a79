/**
 * Knowing when the fleet has caught up: every live subscriber has received the last acknowledged
 * seq of each topic it follows. Reads the history incrementally (records since the last call), so
 * polling it during the drain stays cheap with a large fleet.
 */
import type { HistoryRecord } from '../history/records.ts';

export interface RecordSource {
  readonly size: number;
  at(i: number): HistoryRecord;
}

export class DrainTracker {
  private next = 0;
  private readonly lastAcked = new Map<string, number>();
  private readonly subs = new Map<number, { topics: string[]; gone: boolean; seen: Map<string, number> }>();

  constructor(private readonly source: RecordSource) {}

  private consume(): void {
    const n = this.source.size;
    for (; this.next < n; this.next++) {
      const r = this.source.at(this.next);
      switch (r.kind) {
        case 'publish':
          this.lastAcked.set(r.topic, Math.max(this.lastAcked.get(r.topic) ?? 0, r.seq));
          break;
        case 'subscriber':
          this.subs.set(r.sub, { topics: r.topics, gone: false, seen: new Map() });
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
          if (s) s.seen.set(r.topic, Math.max(s.seen.get(r.topic) ?? 0, r.seq));
          break;
        }
        default:
          break;
      }
    }
  }

  /** Live subscribers still missing the last acknowledged event of one of their topics. */
  behind(): number {
    this.consume();
    let behind = 0;
    for (const s of this.subs.values()) {
      if (s.gone) continue;
      const topics = s.topics.length ? s.topics : [...this.lastAcked.keys()];
      if (topics.some((t) => (s.seen.get(t) ?? 0) < (this.lastAcked.get(t) ?? 0))) behind++;
    }
    return behind;
  }
}
