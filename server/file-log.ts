/**
 * The file log: the memory ring for reads, plus an append-only journal on disk for durability.
 *
 * Durability policy (`fsync`):
 * - `always`:   a publish is acknowledged after its record was written AND fdatasync'ed. Appends that
 *               arrive while a write is in flight are batched into the next write+sync (group
 *               commit), so the cost is one sync per batch, not per event. Survives power loss.
 * - `interval`: (default) acknowledged after the write reached the OS (survives a process crash or
 *               SIGKILL, which is what the chaos harness does); fdatasync every `fsyncIntervalMs`,
 *               so a power loss can lose at most that window of acknowledged events.
 * - `never`:    acknowledged after the write; the OS decides when to flush.
 * close() always fdatasyncs.
 *
 * Retention: the journal is rewritten to the retained window (write temp file, fsync, rename, fsync
 * directory: a crash leaves either the old or the new file, both complete) once it holds
 * max(2 x retention, retention + 1000) records, so disk use stays bounded at about twice the window.
 *
 * One async loop owns the file handle; appends, syncs and compaction all run in it, in order.
 */
import { mkdir, open, readFile, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type EventLog, LogClosedError, type PublishInput, type StoredEvent } from './event-log.ts';
import { formatId, formatPosition, newEpoch } from './ids.ts';
import { decodeJournal, encodeHeader, encodeRecord } from './journal-codec.ts';
import type { Logger } from './logger.ts';
import { EventRing } from './ring.ts';

export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface FileLogOptions {
  path: string;
  retention: number;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  logger: Logger;
}

interface Pending {
  ev: StoredEvent;
  line: string;
  resolve(ev: StoredEvent): void;
  reject(err: Error): void;
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Writes a complete file under a temporary name, syncs it and renames it over `path`. */
async function writeFileAtomically(path: string, chunks: Iterable<string>): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    let batch = '';
    for (const c of chunks) {
      batch += c;
      if (batch.length >= 1 << 20) {
        await writeAll(fh, Buffer.from(batch, 'utf8'));
        batch = '';
      }
    }
    if (batch) await writeAll(fh, Buffer.from(batch, 'utf8'));
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}

export async function openFileLog(options: FileLogOptions): Promise<EventLog> {
  const { path, retention, logger } = options;
  await mkdir(dirname(path), { recursive: true });
  await rm(`${path}.tmp`, { force: true }); // an interrupted compaction or creation

  let existing: Buffer | undefined;
  try {
    existing = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot read event journal ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  const decoded = existing ? decodeJournal(existing, path) : undefined;
  let epoch: string;
  let records: StoredEvent[] = [];
  if (decoded) {
    epoch = decoded.epoch;
    records = decoded.records;
    if (decoded.tornBytes > 0) {
      await truncate(path, decoded.validBytes);
      logger.warn('journal: dropped a torn last record (never acknowledged)', {
        path,
        tornBytes: decoded.tornBytes,
        keptRecords: records.length,
      });
    }
  } else {
    epoch = newEpoch();
    await writeFileAtomically(path, [encodeHeader(epoch)]);
  }

  const ring = new EventRing<StoredEvent>(retention, records.length ? records[0]!.seq - 1 : 0);
  for (const r of records) ring.push(r);
  logger.info('journal opened', {
    path,
    epoch,
    records: records.length,
    firstId: ring.size ? formatId(epoch, ring.firstSeq) : null,
    lastId: ring.size ? formatId(epoch, ring.lastSeq) : null,
    fsync: options.fsync,
  });

  return new FileLog(options, epoch, ring, records.length, await open(path, 'a'));
}

class FileLog implements EventLog {
  readonly kind = 'file' as const;
  private readonly listeners = new Set<(ev: StoredEvent) => void>();
  private pending: Pending[] = [];
  private nextSeq: number;
  private running = false;
  private dirty = false;
  private syncDue = false;
  private closed = false;
  private failed: Error | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly compactAt: number;

  constructor(
    private readonly options: FileLogOptions,
    readonly epoch: string,
    private readonly ring: EventRing<StoredEvent>,
    private recordsInFile: number,
    private fh: FileHandle,
  ) {
    this.nextSeq = ring.lastSeq + 1;
    this.compactAt = Math.max(2 * options.retention, options.retention + 1000);
    if (options.fsync === 'interval') {
      this.timer = setInterval(() => {
        this.syncDue = true;
        this.kick();
      }, options.fsyncIntervalMs);
      this.timer.unref();
    }
  }

  get lastSeq(): number {
    return this.ring.lastSeq;
  }
  get firstSeq(): number {
    return this.ring.firstSeq;
  }
  get failure(): Error | undefined {
    return this.failed;
  }
  get(seq: number): StoredEvent | undefined {
    return this.ring.get(seq);
  }
  positionId(seq: number): string {
    return formatPosition(this.epoch, seq);
  }

  onCommit(listener: (ev: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(input: PublishInput): Promise<StoredEvent> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new LogClosedError());
    const seq = this.nextSeq++;
    const ev: StoredEvent = {
      seq,
      id: formatId(this.epoch, seq),
      topic: input.topic,
      ...(input.event !== undefined && { event: input.event }),
      data: input.data,
      publishedAt: Date.now(),
      ...(input.receivedAt !== undefined && { receivedAt: input.receivedAt }),
    };
    return new Promise<StoredEvent>((resolve, reject) => {
      this.pending.push({ ev, line: encodeRecord(ev), resolve, reject });
      this.kick();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await new Promise<void>((resolve) => {
      if (!this.running) resolve();
      else this.idleWaiters.push(resolve);
    });
    try {
      if (!this.failed) await this.fh.datasync();
    } finally {
      await this.fh.close();
    }
  }

  private kick(): void {
    if (this.running || this.failed) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        if (this.pending.length > 0) {
          await this.writeBatch(this.pending.splice(0));
        } else if (this.recordsInFile >= this.compactAt) {
          await this.compact();
        } else if (this.syncDue && this.dirty) {
          this.syncDue = false;
          this.dirty = false;
          await this.fh.datasync();
        } else {
          break;
        }
      }
    } catch (err) {
      this.fail(err as Error);
    } finally {
      this.running = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      await writeAll(this.fh, Buffer.from(batch.map((p) => p.line).join(''), 'utf8'));
      if (this.options.fsync === 'always') await this.fh.datasync();
      else this.dirty = true;
    } catch (err) {
      const error = new Error(
        `writing the event journal ${this.options.path} failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
      for (const p of batch) p.reject(error);
      throw error;
    }
    this.recordsInFile += batch.length;
    for (const p of batch) {
      this.ring.push(p.ev);
      for (const l of this.listeners) l(p.ev);
      p.resolve(p.ev);
    }
  }

  private async compact(): Promise<void> {
    const { path } = this.options;
    const lines = function* (ring: EventRing<StoredEvent>, header: string) {
      yield header;
      for (const ev of ring.values()) yield encodeRecord(ev);
    };
    await writeFileAtomically(path, lines(this.ring, encodeHeader(this.epoch)));
    const old = this.fh;
    this.fh = await open(path, 'a');
    this.dirty = false;
    await old.close();
    this.options.logger.info('journal compacted', {
      path,
      droppedRecords: this.recordsInFile - this.ring.size,
      keptRecords: this.ring.size,
    });
    this.recordsInFile = this.ring.size;
  }

  /** A write error leaves the file in an unknown state: refuse further appends (fail closed). */
  private fail(err: Error): void {
    this.failed = err;
    for (const p of this.pending.splice(0)) p.reject(err);
    this.options.logger.error('event journal failed; publishes are refused until restart', {
      path: this.options.path,
      error: err.message,
    });
  }
}
