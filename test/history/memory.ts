/**
 * Bytes per record: plain record objects in an array vs the History's columnar storage, for the hot
 * kinds a large fleet produces (events as 1,000 subscribers x 1,000 shared events, plus heartbeats).
 *   node --expose-gc --import tsx test/history/memory.ts [records]
 * Logs the figures; asserts nothing.
 */
import type { HistoryRecord } from '../../harness/history/records.ts';
import { History } from '../../harness/history/store.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc so the measurement is honest');
const N = Number(process.argv[2] ?? 1_000_000);

function used(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Each "event" i is received by subscriber i % 1000; ids/topics are shared like in a real fan-out. */
function* records(): Generator<HistoryRecord> {
  for (let i = 0; i < N; i++) {
    const sub = i % 1000;
    const seq = Math.floor(i / 1000) + 1;
    if (i % 10 === 9) yield { kind: 'heartbeat', t: i * 0.01, sub };
    else
      yield {
        kind: 'event',
        t: i * 0.01,
        sub,
        id: String(seq),
        type: 'message',
        bytes: 120,
        seq,
        topic: 'a',
        publishedAt: seq * 1.5,
      };
  }
}

const base = used();
const arr: HistoryRecord[] = [];
for (const r of records()) arr.push(r);
const objects = used() - base;
console.log(
  `objects:  ${(objects / N).toFixed(1)} bytes/record (${N} records, ${(objects / 2 ** 20).toFixed(0)} MiB)`,
);
arr.length = 0;

const base2 = used();
const h = new History();
for (const r of records()) h.append(r);
const columnar = used() - base2;
console.log(
  `History:  ${(columnar / N).toFixed(1)} bytes/record (${h.size} records, ${(columnar / 2 ** 20).toFixed(0)} MiB)`,
);

const t0 = performance.now();
let n = 0;
for (const r of h.records()) if (r.kind === 'event') n++;
console.log(
  `iterate:  ${h.size} records in ${(performance.now() - t0).toFixed(0)} ms (${n} events materialized)`,
);
