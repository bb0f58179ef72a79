/**
 * The workload's event payload: JSON whose first members are always `seq`, `t`, `topic` and `run`, so
 * a subscriber can decode them from the prefix without parsing (or allocating) the padding.
 *
 *   {"seq":42,"t":1234.567,"topic":"a","run":"k3x9q2","pad":"xxxx..."}
 *
 * `t` is the publish time on the run's monotonic clock. `run` is the run's nonce: a long-running
 * target still holds events of earlier runs (and of other publishers), and replays them; an event
 * with another nonce is *foreign* and never judged. Data that is not a payload at all (the server
 * rewrote or wrapped it beyond recognition, or sent its own events) is *undecodable*.
 */
export interface Payload {
  seq: number;
  publishedAt: number;
  topic: string;
  /** The run nonce; '' for payloads written before nonces existed. */
  run: string;
}

/** What an event's data is to this run. */
export type PayloadClass = 'ours' | 'foreign' | 'undecodable';

/** Builds the data for one event; `size` is the target length in bytes (padding fills the rest). */
export function encodePayload(p: Omit<Payload, 'run'> & { run?: string }, size = 0): string {
  const head =
    `{"seq":${p.seq},"t":${Math.round(p.publishedAt * 1000) / 1000},"topic":${JSON.stringify(p.topic)}` +
    (p.run ? `,"run":${JSON.stringify(p.run)}` : '');
  const padLen = Math.max(0, size - head.length - 10);
  return padLen > 0 ? `${head},"pad":"${'x'.repeat(padLen)}"}` : `${head}}`;
}

const PREFIX = /^\{"seq":(\d+),"t":(-?\d+(?:\.\d+)?)(?:,"topic":"((?:[^"\\]|\\.)*)")?(?:,"run":"([^"\\]*)")?/;
/**
 * The same members anywhere in the data, with quotes optionally escaped: a server that wraps the
 * published data in an envelope (`{"payload":"{\"seq\":42,...}"}`) or re-serializes it still carries
 * the payload, and the oracle should judge it rather than call it lost.
 */
const EMBEDDED =
  /\\*"seq\\*":(\d+),\\*"t\\*":(-?\d+(?:\.\d+)?)(?:,\\*"topic\\*":\\*"((?:[^"\\]|\\[^"])*)\\*")?(?:,\\*"run\\*":\\*"([^"\\]*)\\*")?/;

function fromMatch(m: RegExpExecArray): Payload {
  let topic = '';
  if (m[3] !== undefined) {
    try {
      topic = JSON.parse(`"${m[3]}"`) as string;
    } catch {
      topic = m[3];
    }
  }
  return { seq: Number(m[1]), publishedAt: Number(m[2]), topic, run: m[4] ?? '' };
}

/** Decodes seq, publish time, topic and nonce from a payload (also embedded), or undefined. */
export function decodePayload(data: string): Payload | undefined {
  if (data.charCodeAt(0) === 123 /* { */) {
    const m = PREFIX.exec(data);
    if (m) return fromMatch(m);
  }
  if (!data.includes('seq')) return undefined;
  const m = EMBEDDED.exec(data);
  return m ? fromMatch(m) : undefined;
}

/** Ours (this run's nonce), foreign (a payload of another run or publisher) or undecodable. */
export function classifyPayload(p: Payload | undefined, run: string): PayloadClass {
  if (!p) return 'undecodable';
  return p.run === run ? 'ours' : 'foreign';
}

/** A fresh run nonce: short, URL- and JSON-safe. */
export function newRunNonce(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += 'abcdefghijkmnpqrstuvwxyz23456789'[Math.floor(random() * 32)];
  return s;
}
