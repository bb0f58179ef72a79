/** Test helpers: run the parser over bytes cut at given split points and collect everything it emits. */
import { createParser, type ParserOptions } from '../../harness/client/parser.ts';

export interface Collected {
  events: { type: string; data: string; lastEventId: string }[];
  retries: number[];
  comments: string[];
  lastEventId: string;
}

/** Feeds `bytes` cut at the sorted `splits` offsets, then ends the stream. */
export function parseChunks(bytes: Uint8Array, splits: number[], options?: ParserOptions): Collected {
  const out: Collected = { events: [], retries: [], comments: [], lastEventId: '' };
  const p = createParser(
    {
      onEvent: (e) => out.events.push({ type: e.type, data: e.data, lastEventId: e.lastEventId }),
      onRetry: (ms) => out.retries.push(ms),
      onComment: (c) => out.comments.push(c),
    },
    options,
  );
  let prev = 0;
  for (const s of [...splits, bytes.length]) {
    // Copy each chunk so a parser that kept a view into a previous chunk would be caught.
    const chunk = Uint8Array.prototype.slice.call(bytes, prev, s); // a copy, also for a Buffer
    p.feed(chunk);
    chunk.fill(0xff);
    prev = s;
  }
  p.end();
  out.lastEventId = p.lastEventId;
  return out;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
