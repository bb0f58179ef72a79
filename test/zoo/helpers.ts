/**
 * Zoo test helpers: a member and the reference server side by side, in-process on 127.0.0.1:0 with
 * the same options, so each test makes one observation on both and shows the defect is the
 * member's alone. Built on the reference server's test helpers (test/server/helpers.ts).
 */
import { createSseServer, type SseServerOptions } from '../../server/app.ts';
import type { ZooMember } from '../../zoo/member.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStream, publishOk, type createHarness, type TestStream } from '../server/helpers.ts';
import { killAll } from '../server/process-helpers.ts';

export type Harness = ReturnType<typeof createHarness>;
export type Started = Awaited<ReturnType<Harness['start']>>;

/** Starts `member` and the reference server with the same options. */
export async function startPair(
  h: Harness,
  member: ZooMember,
  options: SseServerOptions = {},
): Promise<{ member: Started; reference: Started }> {
  return {
    member: await h.start(options, member.build),
    reference: await h.start(options, createSseServer),
  };
}

/** Publishes `n` events (data `e1`..`en`) one after the other; returns their ids. */
export async function publishSeries(url: string, n: number, prefix = 'e'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= n; i += 1) ids.push(await publishOk(url, { data: `${prefix}${i}` }));
  return ids;
}

/**
 * Everything the stream received before a marker event published now (on topic `marker`): a live
 * event after the replay, so once it is in, whatever the replay was going to send has been sent.
 */
export async function untilMarker(url: string, s: TestStream): Promise<TestStream['events']> {
  const marker = await publishOk(url, { topic: 'marker', data: 'marker' });
  await s.waitFor((x) => x.events.some((e) => e.id === marker), 10_000, `the marker ${marker}`);
  return s.events.slice(
    0,
    s.events.findIndex((e) => e.id === marker),
  );
}

/**
 * Publishes three events, then resumes a stream from the one at `index`: the ids and what the
 * stream received before the next live event.
 */
export async function resumeAfterThree(h: Harness, { url }: Started, index: number) {
  const ids = await publishSeries(url, 3);
  const s = await h.stream(url, '/events', { 'Last-Event-ID': ids[index]! });
  return { ids, received: await untilMarker(url, s) };
}

/**
 * For tests that run servers as processes (server/main.ts, zoo/main.ts): a fresh temp dir per test
 * and streams that are closed, processes killed and the dir removed after each, even on failure.
 */
export function useProcesses(prefix: string) {
  let dir = '';
  const streams: TestStream[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await killAll();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    /** A path inside this test's temp dir. */
    path: (name: string) => join(dir, name),
    async stream(url: string, headers?: Record<string, string>): Promise<TestStream> {
      const s = await openStream(url, '/events', headers);
      streams.push(s);
      return s;
    },
  };
}
