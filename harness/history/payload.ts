/**
 * The workload's event payload: JSON whose first two members are always `seq` then `t`, so a
 * subscriber can decode them from the prefix without parsing (or allocating) the padding.
 *
 *   {"seq":42,"t":1234.567,"topic":"a","pad":"xxxx..."}
 *
 * `t` is the publish time on the run's monotonic clock (publishers and subscribers share a process).
 */
export interface Payload {
  seq: number;
  publishedAt: number;
  topic: string;
}

/** Builds the data for one event; `size` is the target length in bytes (padding fills the rest). */
export function encodePayload(p: Payload, size = 0): string {
  const head = `{"seq":${p.seq},"t":${Math.round(p.publishedAt * 1000) / 1000},"topic":${JSON.stringify(p.topic)}`;
  const padLen = Math.max(0, size - head.length - 10);
  return padLen > 0 ? `${head},"pad":"${'x'.repeat(padLen)}"}` : `${head}}`;
}

const PREFIX = /^\{"seq":(\d+),"t":(-?\d+(?:\.\d+)?)(?:,"topic":"((?:[^"\\]|\\.)*)")?/;

/** Decodes seq, publish time and topic from a payload, or returns undefined for foreign data. */
export function decodePayload(data: string): Payload | undefined {
  if (data.charCodeAt(0) !== 123 /* { */) return undefined;
  const m = PREFIX.exec(data);
  if (!m) return undefined;
  return {
    seq: Number(m[1]),
    publishedAt: Number(m[2]),
    topic: m[3] === undefined ? '' : (JSON.parse(`"${m[3]}"`) as string),
  };
}
