/**
 * The on-disk journal format (pure encode/decode; file-log.ts does the I/O).
 *
 *   sse-chaos-journal v1 <epoch>\n                      header, written atomically at creation
 *   <crc32 hex8> {"seq":1,"topic":"a","data":"...",...}\n   one line per event
 *
 * JSON.stringify escapes CR/LF, so LF only ever ends a record, and a record is complete only with
 * its LF and a matching CRC. A crash can leave a torn LAST record (partial write, or zero-filled
 * blocks after power loss): decode reports its length so the opener truncates it. Such a record was
 * never acknowledged (acks wait for the write), so dropping it loses nothing. A bad record followed by
 * good ones is not a torn write but corruption: decode refuses rather than guess.
 */
import { crc32 } from 'node:zlib';
import type { StoredEvent } from './event-log.ts';
import { formatId, isEpoch } from './ids.ts';

export const JOURNAL_MAGIC = 'sse-chaos-journal';
const HEADER_PATTERN = /^sse-chaos-journal v1 (\d{13})$/;
const LF = 0x0a;

export class JournalCorruptError extends Error {
  constructor(
    readonly path: string,
    readonly offset: number,
    detail: string,
  ) {
    super(
      `event journal ${path} is corrupt at byte ${offset}: ${detail}. ` +
        `It is not a torn last record, so it was not repaired automatically; ` +
        `move the file away to start a new log, or repair it by hand.`,
    );
    this.name = 'JournalCorruptError';
  }
}

export function encodeHeader(epoch: string): string {
  if (!isEpoch(epoch)) throw new Error(`invalid journal epoch ${JSON.stringify(epoch)}`);
  return `${JOURNAL_MAGIC} v1 ${epoch}\n`;
}

interface RecordJson {
  seq: number;
  topic: string;
  event?: string;
  data: string;
  publishedAt: number;
}

export function encodeRecord(ev: StoredEvent): string {
  const rec: RecordJson = {
    seq: ev.seq,
    topic: ev.topic,
    ...(ev.event !== undefined && { event: ev.event }),
    data: ev.data,
    publishedAt: ev.publishedAt,
  };
  const json = JSON.stringify(rec);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

export interface DecodedJournal {
  epoch: string;
  /** Every intact record, oldest first. */
  records: StoredEvent[];
  /** Bytes of the header plus intact records: the length to truncate the file to. */
  validBytes: number;
  /** Bytes of a torn last record (0 when the file ended cleanly). */
  tornBytes: number;
}

function decodeLine(line: Buffer, epoch: string, expectedSeq: number | undefined): StoredEvent | string {
  const text = line.toString('utf8');
  if (text.length < 10 || text[8] !== ' ') return 'record does not start with "<crc32> "';
  const json = text.slice(9);
  const crc = crc32(json).toString(16).padStart(8, '0');
  if (crc !== text.slice(0, 8)) return `checksum mismatch (stored ${text.slice(0, 8)}, computed ${crc})`;
  let rec: RecordJson;
  try {
    rec = JSON.parse(json) as RecordJson;
  } catch (err) {
    return `record is not JSON (${(err as Error).message})`;
  }
  if (
    !Number.isSafeInteger(rec.seq) ||
    typeof rec.topic !== 'string' ||
    typeof rec.data !== 'string' ||
    (rec.event !== undefined && typeof rec.event !== 'string') ||
    typeof rec.publishedAt !== 'number'
  ) {
    return 'record is missing fields';
  }
  if (expectedSeq !== undefined && rec.seq !== expectedSeq) {
    return `sequence ${rec.seq} where ${expectedSeq} was expected`;
  }
  return {
    seq: rec.seq,
    id: formatId(epoch, rec.seq),
    topic: rec.topic,
    ...(rec.event !== undefined && { event: rec.event }),
    data: rec.data,
    publishedAt: rec.publishedAt,
  };
}

/**
 * Decodes a whole journal file. `path` only labels errors. Returns undefined for an empty file (a
 * crash before the header was renamed into place cannot produce one, but an operator can).
 */
export function decodeJournal(buf: Buffer, path: string): DecodedJournal | undefined {
  if (buf.length === 0) return undefined;
  const headerEnd = buf.indexOf(LF);
  const header = buf.subarray(0, headerEnd === -1 ? Math.min(buf.length, 64) : headerEnd).toString('utf8');
  const m = HEADER_PATTERN.exec(header);
  if (headerEnd === -1 || !m) {
    throw new JournalCorruptError(
      path,
      0,
      `the header is not "${JOURNAL_MAGIC} v1 <epoch>" (is this a journal?)`,
    );
  }
  const epoch = m[1]!;
  const records: StoredEvent[] = [];
  let offset = headerEnd + 1;
  while (offset < buf.length) {
    const end = buf.indexOf(LF, offset);
    const isLast = end === -1 || end === buf.length - 1;
    const result =
      end === -1
        ? 'record has no terminating LF'
        : decodeLine(buf.subarray(offset, end), epoch, records.length ? records.at(-1)!.seq + 1 : undefined);
    if (typeof result === 'string') {
      if (isLast) return { epoch, records, validBytes: offset, tornBytes: buf.length - offset };
      throw new JournalCorruptError(path, offset, result);
    }
    records.push(result);
    offset = end + 1;
  }
  return { epoch, records, validBytes: offset, tornBytes: 0 };
}
