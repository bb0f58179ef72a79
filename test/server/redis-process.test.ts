/**
 * `server/main.ts --log redis` as real processes: the flags reach the log, and an instance killed
 * with SIGKILL and started again continues the shared sequence; its clients resume without a gap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openStream, publishOk, type TestStream } from './helpers.ts';
import { killAll, runServer } from './process-helpers.ts';
import { useRedis } from './redis-helpers.ts';

const redis = useRedis();
const streams: TestStream[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await killAll();
});

describe('--log redis (processes)', () => {
  it('continues ids across a SIGKILL and restart of an instance, while another keeps serving', async () => {
    const r = await redis.start();
    const args = ['--port', '0', '--log', 'redis', '--redis-url', r.url, '--redis-key', 'proc:events'];
    const a = await runServer(args);
    const b = await runServer(['--port', '0'], {
      env: { SSE_LOG: 'redis', SSE_REDIS_URL: r.url, SSE_REDIS_KEY: 'proc:events' },
    });
    const listening = (p: typeof a) => p.logs().find((l) => l.msg === 'listening')!;
    expect(listening(a)).toMatchObject({ log: 'redis', redisKey: 'proc:events' });
    expect(listening(b).epoch).toBe(listening(a).epoch);

    const acked: string[] = [];
    for (let i = 0; i < 3; i += 1) acked.push(await publishOk(a.url, { data: `a${i}` }));
    a.proc.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    acked.push(await publishOk(b.url, { data: 'while A is down' }));
    const again = await runServer(args);
    expect(listening(again)).toMatchObject({ epoch: listening(a).epoch, lastId: acked.at(-1) });
    acked.push(await publishOk(again.url, { data: 'after restart' }));
    expect([...acked].sort()).toEqual(acked);
    expect(new Set(acked).size).toBe(acked.length);

    // A client of the killed instance comes back to the restarted one from the first id it saw.
    const s = await openStream(again.url, '/events', { 'Last-Event-ID': acked[0]! });
    streams.push(s);
    await s.waitFor((x) => x.events.length === acked.length - 1, 10_000, 'the replay');
    expect(s.events.map((e) => e.id)).toEqual(acked.slice(1));
  });

  it('ends the live streams of an instance whose reader fell behind retention, instead of skipping events', async () => {
    const r = await redis.start();
    const args = ['--port', '0', '--log', 'redis', '--redis-url', r.url, '--log-retention', '3'];
    const a = await runServer(args);
    const b = await runServer(args);
    const first = await publishOk(a.url, { data: 'first' });
    const s = await openStream(b.url, '/events', { 'Last-Event-ID': first });
    streams.push(s);
    const before = await publishOk(a.url, { data: 'before' });
    await s.waitFor((x) => x.events.some((e) => e.id === before), 10_000, 'a live event on B');
    b.proc.kill('SIGSTOP'); // B reads nothing while A publishes far past the retention
    try {
      for (let i = 0; i < 10; i += 1) await publishOk(a.url, { data: `while B is stopped ${i}` });
    } finally {
      b.proc.kill('SIGCONT');
    }
    await s.ended;
    // What B sent is contiguous (at most the first event after the pause), then the stream ended.
    const seqs = s.events.map((e) => Number(e.id!.split('-')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(seqs.length).toBeLessThanOrEqual(2);
    expect(
      b.logs().some((l) => l.msg === 'stream ended: the log skipped events this stream had not had'),
    ).toBe(true);
  });
});
