/** The file journal: restarts, torn last records, compaction, corruption. Real files in a temp dir. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileLog } from '../../server/file-log.ts';
import { JournalCorruptError, decodeJournal } from '../../server/journal-codec.ts';
import { createMemoryLogger } from '../../server/logger.ts';
import { createHarness, publishOk } from './helpers.ts';

const h = createHarness();
let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sse-journal-'));
  path = join(dir, 'events.journal');
});
afterEach(async () => {
  await h.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const fileServer = (extra: Record<string, unknown> = {}) => h.start({ log: 'file', logPath: path, ...extra });

describe('file log', () => {
  it('survives a restart: the same ids replay and new ids continue in order', async () => {
    const a = await fileServer();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push(await publishOk(a.url, { topic: 't', event: 'e', data: `a${i}\nline2` }));
    await a.server.close();

    const b = await fileServer();
    expect(b.server.eventLog.epoch).toBe(a.server.eventLog.epoch);
    const next = await publishOk(b.url, { data: 'b0' });
    expect(next > ids[4]!).toBe(true);
    const s = await h.stream(b.url, '/events', { 'Last-Event-ID': ids[1]! });
    await s.waitFor((x) => x.events.length === 4, 5000, 'four events');
    expect(s.events.map((e) => e.id)).toEqual([...ids.slice(2), next]);
    expect(s.events[0]).toMatchObject({ event: 'e', data: 'a2\nline2' });
  });

  it('recovers from a torn last record, dropping only that record', async () => {
    const a = await fileServer({ fsync: 'always' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push(await publishOk(a.url, { data: `e${i}` }));
    await a.server.close();
    const full = await readFile(path);
    // A crash in the middle of writing a fourth record: half a line, no LF.
    await appendFile(path, '1234abcd {"seq":4,"topic":"default","da');
    const b = await fileServer();
    const warn = b.logger.records.find((r) => r.msg.includes('torn last record'));
    expect(warn).toMatchObject({ level: 'warn', tornBytes: 39, keptRecords: 3 });
    expect(await readFile(path)).toEqual(full);
    const next = await publishOk(b.url, { data: 'after' });
    expect(next.endsWith('-000000000004')).toBe(true);
    const s = await h.stream(b.url, '/events', { 'Last-Event-ID': ids[0]! });
    await s.waitFor((x) => x.events.length === 3, 5000, 'three events');
    expect(s.events.map((e) => e.data)).toEqual(['e1', 'e2', 'after']);
  });

  it('treats a last record cut short (or failing its checksum) as torn, and anything earlier as corrupt', async () => {
    const logger = createMemoryLogger();
    const log = await openFileLog({ path, retention: 100, fsync: 'never', fsyncIntervalMs: 1000, logger });
    for (let i = 0; i < 3; i += 1) await log.append({ topic: 'default', data: `e${i}` });
    await log.close();
    const size = (await readFile(path)).length;
    await truncate(path, size - 5);
    const reopened = await openFileLog({
      path,
      retention: 100,
      fsync: 'never',
      fsyncIntervalMs: 1000,
      logger,
    });
    expect([reopened.firstSeq, reopened.lastSeq]).toEqual([1, 2]);
    await reopened.close();

    // Flip a byte inside the FIRST record: good records follow, so this is corruption, not a tear.
    const buf = await readFile(path);
    const firstRecord = buf.indexOf('\n') + 20;
    buf[firstRecord] = buf[firstRecord] === 0x41 ? 0x42 : 0x41;
    await writeFile(path, buf);
    await expect(
      openFileLog({ path, retention: 100, fsync: 'never', fsyncIntervalMs: 1000, logger }),
    ).rejects.toBeInstanceOf(JournalCorruptError);
    const server = h.start({ log: 'file', logPath: path });
    await expect(server).rejects.toThrow(/corrupt at byte \d+: checksum mismatch/);
  });

  it('refuses a file that is not a journal', async () => {
    await writeFile(path, 'hello\n');
    await expect(fileServer()).rejects.toThrow(/is not "sse-chaos-journal v1 <epoch>"/);
  });

  it('compacts to the retention window and keeps ids continuing across reopen', async () => {
    const logger = createMemoryLogger();
    const opts = { path, retention: 5, fsync: 'interval' as const, fsyncIntervalMs: 50, logger };
    const log = await openFileLog(opts);
    const seen: number[] = [];
    log.onCommit((ev) => seen.push(ev.seq));
    const appends = [];
    for (let i = 1; i <= 1200; i += 1) appends.push(log.append({ topic: 'default', data: `e${i}` }));
    const stored = await Promise.all(appends);
    expect(stored.map((e) => e.seq)).toEqual(seen);
    expect(seen).toEqual([...Array(1200).keys()].map((i) => i + 1));
    await log.close();
    expect(logger.records.some((r) => r.msg === 'journal compacted')).toBe(true);
    const decoded = decodeJournal(await readFile(path), path)!;
    expect(decoded.records.length).toBeLessThan(1005);
    expect(decoded.records.at(-1)!.seq).toBe(1200);

    const again = await openFileLog(opts);
    expect([again.firstSeq, again.lastSeq]).toEqual([1196, 1200]);
    expect(again.get(1200)!.data).toBe('e1200');
    const next = await again.append({ topic: 'default', data: 'next' });
    expect(next.id > stored.at(-1)!.id).toBe(true);
    await again.close();
    await expect(again.append({ topic: 'default', data: 'late' })).rejects.toThrow(/closed/);
  });
});
