/**
 * Progress while a suite runs. On a TTY one live line is rewritten in place (scenario, phase,
 * elapsed); elsewhere (CI logs) each step is one plain line, because carriage returns and ANSI
 * codes turn a CI log into noise.
 */
import type { ScenarioResult } from '../results/results.ts';

export type ProgressEvent =
  | { type: 'scenario-start'; name: string; index: number; total: number }
  | { type: 'phase'; name: string; phase: string }
  | { type: 'scenario-end'; result: ScenarioResult; index: number; total: number };

export interface ProgressSink {
  (ev: ProgressEvent): void;
  /** Clears the live line (before other output). */
  close(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  let started = 0;
  let current = '';
  let ticker: NodeJS.Timeout | undefined;
  const live = (text: string) => stream.write(`\r\x1b[2K${text}`);
  const render = () => live(`${current} ${((Date.now() - started) / 1000).toFixed(1)}s`);

  const sink = ((ev: ProgressEvent) => {
    if (ev.type === 'scenario-start') {
      started = Date.now();
      current = `[${ev.index + 1}/${ev.total}] ${ev.name}`;
      if (tty) {
        render();
        ticker ??= setInterval(render, 200).unref();
      } else stream.write(`${current}: starting\n`);
    } else if (ev.type === 'phase') {
      if (tty) {
        current = current.replace(/ · .*$/, '') + ` · ${ev.phase}`;
        render();
      } else stream.write(`  ${ev.name}: ${ev.phase}\n`);
    } else {
      const r = ev.result;
      if (r.verdict === 'skipped') {
        const line = `skip [${ev.index + 1}/${ev.total}] ${r.name}: ${r.skipped?.reason ?? 'skipped'}`;
        if (tty) live(`${line}\n`);
        else stream.write(`${line}\n`);
        return;
      }
      const mark = r.asExpected ? 'ok  ' : r.verdict === 'error' ? 'ERR ' : 'FAIL';
      const expected = r.expected === 'pass' ? 'pass' : `violates ${r.expected.join(', ')}`;
      const failed = r.slos.filter((s) => !s.pass).map((s) => s.name);
      const detail =
        r.verdict === 'error'
          ? ` error: ${r.error?.split('\n')[0] ?? ''}`
          : failed.length
            ? ` violated: ${failed.join(', ')}`
            : '';
      const line = `${mark} [${ev.index + 1}/${ev.total}] ${r.name} ${r.verdict} (expected ${expected}) ${(r.durationMs / 1000).toFixed(1)}s${detail}`;
      if (tty) live(`${line}\n`);
      else stream.write(`${line}\n`);
    }
  }) as ProgressSink;
  sink.close = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    if (tty) stream.write('\r\x1b[2K');
  };
  return sink;
}
