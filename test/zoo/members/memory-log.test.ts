/**
 * memory-log, as real processes: with --log file, SIGKILL and a restart lose every acknowledged
 * event and start a new epoch; the reference server on the same flags loses nothing.
 */
import { describe, expect, it } from 'vitest';
import { publishOk } from '../../server/helpers.ts';
import { runServer } from '../../server/process-helpers.ts';
import { useProcesses } from '../helpers.ts';

const p = useProcesses('sse-zoo-memory-log-');

/** Publishes 5 events, SIGKILLs the process, starts it again; what the new process holds. */
async function crashAndRestart(entry: string, extra: string[]) {
  const args = ['--port', '0', '--log', 'file', '--log-path', p.path(`${extra.length}.journal`), ...extra];
  const first = await runServer(args, { entry });
  const acked: string[] = [];
  for (let i = 0; i < 5; i += 1) acked.push(await publishOk(first.url, { data: `e${i}` }));
  first.proc.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  const second = await runServer(args, { entry });
  const epoch = (proc: typeof first) => proc.logs().find((l) => l.msg === 'listening')!.epoch;
  // A client resuming from the last acknowledged id, and one reading everything retained (a
  // malformed id gets a reset and then the whole window); a marker ends both.
  const resumed = await p.stream(second.url, { 'Last-Event-ID': acked.at(-1)! });
  const all = await p.stream(second.url, { 'Last-Event-ID': 'read-all' });
  const marker = await publishOk(second.url, { topic: 'marker', data: 'end' });
  for (const s of [resumed, all]) {
    await s.waitFor((x) => x.events.some((e) => e.id === marker), 10_000, 'the marker');
  }
  return {
    acked,
    retained: all.events.filter((e) => e.event !== 'reset' && e.id !== marker).map((e) => e.id!),
    sameEpoch: epoch(first) === epoch(second),
    resumedWithReset: resumed.events.some((e) => e.event === 'reset'),
  };
}

describe('memory-log', () => {
  it('with --log file, a SIGKILL loses every acknowledged event and the restart has a new epoch', async () => {
    const zoo = await crashAndRestart('zoo/main.ts', ['--defect', 'memory-log']);
    expect(zoo.retained.filter((id) => zoo.acked.includes(id))).toEqual([]);
    expect(zoo.sameEpoch).toBe(false);
    expect(zoo.resumedWithReset).toBe(true); // the old id is "unknown" to the new log

    const reference = await crashAndRestart('server/main.ts', []);
    expect(reference.retained).toEqual(reference.acked);
    expect(reference.sameEpoch).toBe(true);
    expect(reference.resumedWithReset).toBe(false);
  });
});
