/**
 * Buffering: a proxy that buffers the upstream response shows as a late first byte, a late first
 * event, and steady publishes arriving in bursts after silence.
 *
 * burstiness = over the live events of a connection (published after it opened, so replays are
 * excluded), each paired with the latest earlier one that was surely committed apart from it: the
 * fraction of pairs that arrived within `burstWindowMs` of each other. A healthy path keeps the
 * spacing (~0); a buffering proxy releases them together (~1).
 *
 * "Surely committed apart": the later event was sent at least half the median publish interval (and
 * >= 2 x burstWindowMs) after the earlier one was *acknowledged*. The target stored the earlier one
 * before acknowledging it and the later one after it was sent, so their commits were at least that
 * far apart, whatever the publish path did. Send times alone are not enough: a stall of the target
 * or of the harness holds publishes sent apart and commits them together, which is no buffering of
 * the stream, and concurrent publishers make that common. Pairing with the latest such event, not
 * the previous one, keeps dense workloads (events a few ms apart) judged. An event whose publish was
 * never acknowledged anchors no pair.
 * Pairs touching a disruption of the subscriber are ignored (a latency fault may bunch chunks), and
 * only this run's payloads count (a long-running target's replay of old events is not a burst).
 */
import type { HistoryRecord } from '../history/records.ts';
import { asArray, type Check } from './check.ts';
import { connectionModel } from './connections.ts';
import { disruptions, type IntervalSet } from './disruptions.ts';
import { maxOf, percentile, round3 } from './stats.ts';

/** A live event that can anchor a pair: when it arrived, was published and was acknowledged. */
interface Anchor {
  t: number;
  publishedAt: number;
  ackedAt: number;
}

/** How many recent events a connection keeps as anchors (events sent within ~minPublishGap). */
const ANCHORS = 256;

/** The latest anchor acknowledged at or before `limit`. */
function latestAckedBy(anchors: readonly Anchor[], limit: number): Anchor | undefined {
  for (let i = anchors.length - 1; i >= 0; i--) if (anchors[i]!.ackedAt <= limit) return anchors[i];
  return undefined;
}

interface LiveState {
  /** The subscriber's disruptions up to its recovery (for live pairs). */
  disrupted: IntervalSet;
  /** Its lane's raw fault windows (for the connection's own first byte and first event). */
  laneWindows: IntervalSet;
  connectT: number;
  openT: number | undefined;
  sawEvent: boolean;
  prevT: number | undefined;
  prevPublishedAt: number;
  prevBytes: number;
  /** Recent acknowledged live events, oldest first (at most ANCHORS). */
  anchors: Anchor[];
  burstBytes: number;
  burstCount: number;
  /** Publish-time span of the current burst: a real burst spans publishes made apart. */
  burstMinPublishedAt: number;
  burstMaxPublishedAt: number;
}

/** Median spacing of publish requests across the workload; undefined with fewer than 2. */
function medianPublishInterval(records: readonly HistoryRecord[]): number | undefined {
  const sent: number[] = [];
  for (const r of records) if (r.kind === 'publish') sent.push(r.sentAt);
  if (sent.length < 2) return undefined;
  sent.sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sent.length; i++) gaps.push(sent[i]! - sent[i - 1]!);
  return percentile(gaps, 50) ?? undefined;
}

export const buffering: Check = {
  name: 'buffering',
  description: 'time to first byte, first event delay and burstiness (a buffering proxy)',
  run(history, ctx) {
    const records = asArray(history);
    const dis = disruptions(records, ctx);
    const { subscribers } = connectionModel(records, ctx);
    const interval = medianPublishInterval(records);
    const ackedAt = new Map<string, number>();
    for (const r of records) if (r.kind === 'publish') ackedAt.set(`${r.topic}/${r.seq}`, r.t);
    const minPublishGap = Math.max(2 * ctx.burstWindowMs, (interval ?? 0) / 2);
    const ttfb: number[] = [];
    const firstEventDelay: number[] = [];
    const bursts: number[] = [];
    let pairs = 0;
    let burstyPairs = 0;
    let compressed = 0;
    const state = new Map<number, LiveState>();

    const flushBurst = (s: LiveState): void => {
      if (s.burstCount >= 2 && s.burstMaxPublishedAt - s.burstMinPublishedAt >= minPublishGap) {
        bursts.push(s.burstBytes);
      }
      s.burstCount = 0;
      s.burstBytes = 0;
    };

    for (const r of records) {
      switch (r.kind) {
        case 'connect': {
          const prev = state.get(r.sub);
          if (prev) flushBurst(prev);
          state.set(r.sub, {
            disrupted: dis.forSub(r.sub),
            laneWindows: dis.laneWithSlack(subscribers.get(r.sub)?.lane ?? 'edge'),
            connectT: r.t,
            openT: undefined,
            sawEvent: false,
            prevT: undefined,
            prevPublishedAt: 0,
            prevBytes: 0,
            anchors: [],
            burstBytes: 0,
            burstCount: 0,
            burstMinPublishedAt: 0,
            burstMaxPublishedAt: 0,
          });
          break;
        }
        case 'response': {
          const s = state.get(r.sub);
          if (s) s.openT = r.t;
          if (r.status === 200 && r.encoding) compressed++;
          break;
        }
        case 'first-byte': {
          const lane = subscribers.get(r.sub)?.lane ?? 'edge';
          if (!dis.laneWithSlack(lane).overlaps(r.t - r.ttfbMs, r.t)) ttfb.push(r.ttfbMs);
          break;
        }
        case 'close': {
          const s = state.get(r.sub);
          if (s) flushBurst(s);
          state.delete(r.sub);
          break;
        }
        case 'event': {
          const s = state.get(r.sub);
          if (!s || r.publishedAt === undefined) break;
          const lanes = s.disrupted;
          if (!s.sawEvent) {
            s.sawEvent = true;
            if (!s.laneWindows.overlaps(s.connectT, r.t))
              firstEventDelay.push(r.t - Math.max(s.connectT, r.publishedAt));
          }
          const live = s.openT !== undefined && r.publishedAt >= s.openT;
          if (!live) break;
          const anchor = latestAckedBy(s.anchors, r.publishedAt - minPublishGap);
          if (anchor && !lanes.overlaps(anchor.publishedAt, r.t)) {
            pairs++;
            if (r.t - anchor.t <= ctx.burstWindowMs) burstyPairs++;
          }
          const acked = r.seq === undefined ? undefined : ackedAt.get(`${r.topic}/${r.seq}`);
          if (acked !== undefined) {
            s.anchors.push({ t: r.t, publishedAt: r.publishedAt, ackedAt: acked });
            if (s.anchors.length > ANCHORS) s.anchors.shift();
          }
          // Bursts (their size, for the diagnosis): consecutive arrivals within the burst window.
          if (s.prevT !== undefined && !lanes.overlaps(s.prevPublishedAt, r.t)) {
            const close = r.t - s.prevT <= ctx.burstWindowMs;
            if (close) {
              if (s.burstCount === 0) {
                s.burstCount = 1;
                s.burstBytes = s.prevBytes;
                s.burstMinPublishedAt = s.burstMaxPublishedAt = s.prevPublishedAt;
              }
              s.burstCount++;
              s.burstBytes += r.bytes;
              s.burstMinPublishedAt = Math.min(s.burstMinPublishedAt, r.publishedAt);
              s.burstMaxPublishedAt = Math.max(s.burstMaxPublishedAt, r.publishedAt);
            } else flushBurst(s);
          } else flushBurst(s);
          s.prevT = r.t;
          s.prevPublishedAt = r.publishedAt;
          s.prevBytes = r.bytes;
          break;
        }
        default:
          break;
      }
    }
    for (const s of state.values()) flushBurst(s);

    return {
      'buffering.ttfbP50': round3(percentile(ttfb, 50)),
      'buffering.ttfbP95': round3(percentile(ttfb, 95)),
      'buffering.firstEventDelayP95': round3(percentile(firstEventDelay, 95)),
      'buffering.pairs': pairs,
      'buffering.burstiness': pairs > 0 ? round3(burstyPairs / pairs) : null,
      'buffering.maxBurstBytes': maxOf(bursts),
      'buffering.burstBytesP50': round3(percentile(bursts, 50)),
      'buffering.publishIntervalMs': round3(interval ?? null),
      'buffering.compressedStreams': compressed,
    };
  },
};
