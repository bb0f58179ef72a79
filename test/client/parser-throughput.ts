/**
 * Throughput of our byte parser against eventsource-parser 3 (fed through a streaming TextDecoder,
 * as it must be for bytes off a socket). Best of alternating rounds. Logs MB/s; asserts nothing.
 *   node --import tsx test/client/parser-throughput.ts
 */
import { createParser as ours } from '../../harness/client/parser.ts';
import { createParser as theirs } from 'eventsource-parser';
import { encodePayload } from '../../harness/history/payload.ts';

function corpus(events: number, size: number): Uint8Array {
  let s = '';
  for (let i = 0; i < events; i++) {
    s += `id: ${i}\ndata: ${encodePayload({ seq: i, publishedAt: i * 1.5, topic: 'a' }, size)}\n\n`;
    if (i % 10 === 0) s += ': hb\n\n';
  }
  return new TextEncoder().encode(s);
}

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Best-of-rounds throughput (MB/s), alternating the two parsers: robust on a shared, noisy machine. */
function race(bytes: number, a: () => number, b: () => number, rounds = 15): [number, number] {
  let bestA = Infinity;
  let bestB = Infinity;
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    a();
    bestA = Math.min(bestA, performance.now() - t);
    t = performance.now();
    b();
    bestB = Math.min(bestB, performance.now() - t);
  }
  return [bytes / 1e6 / (bestA / 1000), bytes / 1e6 / (bestB / 1000)];
}

for (const [size, chunk] of [
  [100, 16384],
  [1000, 16384],
  [100, 1400],
] as const) {
  const bytes = corpus(20000, size);
  const parts = chunks(bytes, chunk);
  const [a, b] = race(
    bytes.length,
    () => {
      let n = 0;
      const p = ours({ onEvent: () => n++, onComment: () => undefined });
      for (const c of parts) p.feed(c);
      return n;
    },
    () => {
      let n = 0;
      const d = new TextDecoder();
      const p = theirs({ onEvent: () => n++, onComment: () => undefined });
      for (const c of parts) p.feed(d.decode(c, { stream: true }));
      return n;
    },
  );
  console.log(
    `events ${size} B, chunks ${chunk} B: ours ${a.toFixed(0)} MB/s, eventsource-parser ${b.toFixed(0)} MB/s, ratio ${(a / b).toFixed(2)}x`,
  );
}
