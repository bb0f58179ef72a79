/**
 * Event-stream corpora for the parser benchmark: each models a traffic shape the fleet meets, as raw
 * bytes (what a socket delivers), built deterministically so runs compare.
 */
import { encodePayload } from '../harness/history/payload.ts';

export interface Corpus {
  name: string;
  bytes: Buffer;
}

/**
 * Small events, the common shape of a live feed: `id`, `event` and a short JSON `data` line, 60-120 B
 * per event (the sizes cycle through that range), with a heartbeat comment every 10 events.
 */
export function smallEvents(events: number): Corpus {
  const types = ['tick', 'quote', 'presence'];
  let s = 'retry: 3000\n\n';
  for (let i = 0; i < events; i++) {
    const size = 41 + ((i * 37) % 46); // payload 41..86 B: whole events 60..120 B
    s += `id: ${i}\nevent: ${types[i % 3]}\ndata: ${encodePayload({ seq: i, publishedAt: i * 1.5, topic: 'a' }, size)}\n\n`;
    if (i % 10 === 0) s += `: hb ${i}\n\n`;
  }
  return { name: 'small events', bytes: Buffer.from(s) };
}

/** Large events: ~4 KiB of JSON-ish ASCII over 32 `data:` lines, a named type. */
export function largeMultiline(events: number): Corpus {
  return {
    name: 'large multi-line',
    bytes: Buffer.from(
      multiline(
        events,
        'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor inc ',
      ),
    ),
  };
}

/**
 * The same shape in non-ASCII text (accents, dashes): every chunk must go through a UTF-8 decoder,
 * which alone bounds any parser that hands out strings.
 */
export function utf8Multiline(events: number): Corpus {
  return {
    name: 'UTF-8 multi-line',
    bytes: Buffer.from(
      multiline(
        events,
        'lorem ipsum dolor sit amet, consectetur – adipiscing élit, sed do eiusmod tempor inc ',
      ),
    ),
  };
}

function multiline(events: number, line: string): string {
  let s = '';
  for (let i = 0; i < events; i++) {
    s += `event: bulk\nid: ${i}\n`;
    for (let l = 0; l < 32; l++) s += `data: ${l} ${line}${line.slice(0, 30)}\n`;
    s += '\n';
  }
  return s;
}

/** Mostly heartbeats: 20 comment lines per small event (an idle stream that proxies must keep alive). */
export function heartbeatHeavy(events: number): Corpus {
  let s = '';
  for (let i = 0; i < events; i++) {
    for (let h = 0; h < 20; h++) s += `: hb ${i * 20 + h}\n\n`;
    s += `id: ${i}\ndata: {"seq":${i}}\n\n`;
  }
  return { name: 'heartbeat-heavy', bytes: Buffer.from(s) };
}

/** CRLF line ends with a CR-only stretch: the less common line ends, kept honest. */
export function crlf(events: number): Corpus {
  let s = '';
  for (let i = 0; i < events; i++) {
    const nl = i % 3 === 0 ? '\r' : '\r\n';
    s += `id: ${i}${nl}event: tick${nl}data: ${encodePayload({ seq: i, publishedAt: i, topic: 'a' }, 120)}${nl}${nl}`;
  }
  // End on LF: a final lone CR would leave eventsource-parser waiting to see whether LF follows.
  return { name: 'CRLF', bytes: Buffer.from(`${s}: end\n\n`) };
}

/** Splits `bytes` into Buffer views of `size` bytes (no copies; a socket hands out Buffers too). */
export function chunk(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
