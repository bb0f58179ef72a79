/**
 * JSON-lines export and import of a History: one record per line, append order, so a run can be
 * re-checked and re-reported later, and a history from CI can be inspected with jq.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { historyRecordSchema } from './schema.ts';
import { History } from './store.ts';
import type { HistoryRecord } from './records.ts';

/** A line of a history file that is not a valid record. */
export class HistoryFormatError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${path}:${line}: not a history record: ${problem}`);
    this.name = 'HistoryFormatError';
  }
}

/** Writes every record as one JSON line; resolves when the file is flushed and closed. */
export async function writeJsonl(history: Iterable<HistoryRecord>, path: string): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const closed = once(out, 'close');
  try {
    let batch = '';
    for (const r of history) {
      batch += JSON.stringify(r) + '\n';
      if (batch.length >= 1 << 16) {
        if (!out.write(batch)) await Promise.race([once(out, 'drain'), closed]);
        batch = '';
      }
    }
    out.end(batch);
    await closed;
  } catch (err) {
    out.destroy();
    throw err;
  }
  if (out.errored) throw out.errored;
}

/** Reads a JSON-lines history, validating each record; a bad line throws HistoryFormatError. */
export async function readJsonl(path: string): Promise<History> {
  const history = new History();
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new HistoryFormatError(path, n, `invalid JSON (${(err as Error).message})`);
      }
      const parsed = historyRecordSchema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new HistoryFormatError(path, n, `${issue.path.join('.') || '(record)'}: ${issue.message}`);
      }
      history.append(parsed.data);
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return history;
}
