/**
 * abrupt-shutdown: on SIGTERM the streams just die (no retry hint, no orderly end) while the log is
 * still flushed; the reference ends every stream with a retry hint. Real processes, real signals.
 */
import { describe, expect, it } from 'vitest';
import { publishOk } from '../../server/helpers.ts';
import { runServer } from '../../server/process-helpers.ts';
import { useProcesses } from '../helpers.ts';

const procs = useProcesses('sse-zoo-abrupt-');

/** Three streams, five events, SIGTERM: how the streams ended, the exit, and what the log kept. */
async function sigterm(entry: string, extra: string[]) {
  const args = [
    '--port',
    '0',
    '--log',
    'file',
    '--log-path',
    procs.path(`${entry.replace('/', '-')}.journal`),
  ];
  const p = await runServer([...args, ...extra], { entry });
  const open = await Promise.all([1, 2, 3].map(() => procs.stream(p.url)));
  const ids: string[] = [];
  for (let i = 0; i < 5; i += 1) ids.push(await publishOk(p.url, { data: `e${i}` }));
  await Promise.all(open.map((s) => s.waitFor((x) => x.events.length === 5, 10_000, 'five events')));
  p.proc.kill('SIGTERM');
  await Promise.all(open.map((s) => s.ended));
  const exit = await p.exited;
  const again = await runServer([...args, ...extra], { entry });
  const reader = await procs.stream(again.url, { 'Last-Event-ID': 'read-all' });
  await reader.waitFor((x) => x.events.length === 6, 10_000, 'the reset and the five events');
  return {
    exit,
    retriesPerStream: open.map((s) => s.items.filter((i) => i.kind === 'retry').length),
    lastItems: open.map((s) => s.items.at(-1)!.kind),
    kept: reader.events.slice(1).map((e) => e.id),
    ids,
  };
}

describe('abrupt-shutdown', () => {
  it('on SIGTERM drops every stream without a retry hint, keeps the log, exits 0', async () => {
    const zoo = await sigterm('zoo/main.ts', ['--defect', 'abrupt-shutdown']);
    expect(zoo.exit).toEqual({ code: 0, signal: null });
    expect(zoo.retriesPerStream).toEqual([1, 1, 1]); // only the one sent on connect
    expect(zoo.lastItems).toEqual(['event', 'event', 'event']);
    expect(zoo.kept).toEqual(zoo.ids);

    const ref = await sigterm('server/main.ts', []);
    expect(ref.exit).toEqual({ code: 0, signal: null });
    expect(ref.retriesPerStream).toEqual([2, 2, 2]);
    expect(ref.lastItems).toEqual(['retry', 'retry', 'retry']);
    expect(ref.kept).toEqual(ref.ids);
  });
});
