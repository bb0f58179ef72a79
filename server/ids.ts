/**
 * Event ids: `<epoch>-<seq>`, e.g. `1763794923000-000000000042`.
 *
 * Clients treat ids as opaque strings; the server needs them to be unique and ordered, also across
 * restarts. The epoch (13-digit ms timestamp) names the log that issued the id: a file journal keeps
 * its epoch for life, so ids continue across restarts; a memory log gets a new epoch per process, so
 * an id from a previous process is recognised as unknown instead of silently matching a new event.
 * Both parts are fixed-width digits, so plain string comparison orders ids the same way as
 * (epoch, seq) numerically.
 */
const EPOCH_DIGITS = 13;
const SEQ_DIGITS = 12;
const ID_PATTERN = /^(\d{13})-(\d{12})$/;

/** The largest sequence number an id can carry. */
export const MAX_SEQ = 10 ** SEQ_DIGITS - 1;

/** A new epoch from the wall clock. */
export function newEpoch(nowMs: number = Date.now()): string {
  return String(Math.floor(nowMs)).padStart(EPOCH_DIGITS, '0');
}

export function isEpoch(value: string): boolean {
  return /^\d{13}$/.test(value);
}

export function formatId(epoch: string, seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > MAX_SEQ) {
    throw new RangeError(`event sequence ${seq} is outside 1..${MAX_SEQ}`);
  }
  return `${epoch}-${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/**
 * A resume position: an event id, or for seq 0 the sentinel `<epoch>-000000000000`, "before the
 * first event of this log". A stream that starts without a usable Last-Event-ID gets its position
 * in an id-only block (see stream.ts), so even a client cut before its first event can resume.
 */
export function formatPosition(epoch: string, seq: number): string {
  return seq === 0 ? `${epoch}-${'0'.repeat(SEQ_DIGITS)}` : formatId(epoch, seq);
}

/** Parses a resume position: an id this server issued, or its log's sentinel (seq 0). */
export function parsePosition(id: string): { epoch: string; seq: number } | undefined {
  const m = ID_PATTERN.exec(id);
  return m ? { epoch: m[1]!, seq: Number(m[2]) } : undefined;
}

/** Parses an id this server issued; undefined for anything else (a client may send any string). */
export function parseId(id: string): { epoch: string; seq: number } | undefined {
  const m = ID_PATTERN.exec(id);
  if (!m) return undefined;
  const seq = Number(m[2]);
  if (seq < 1) return undefined;
  return { epoch: m[1]!, seq };
}
