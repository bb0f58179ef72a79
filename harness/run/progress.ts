/**
 * Progress while a suite runs. On a TTY one live line is rewritten in place (scenario, phase,
 * elapsed); elsewhere (CI logs) each step is one plain line, because carriage returns and ANSI
 * codes turn a CI log into noise.
 */
import type { ScenarioResult } from '../results/results.ts';
import type { FleetProgress } from './fleet-setup.ts';

export type ProgressEvent =
  | { type: 'scenario-start'; name: string; index: number; total: number }
  /** `live` reads the fleet's totals while it runs (absent before the fleet starts). */
  | { type: 'phase'; name: string; phase: string; live?: () => FleetProgress }
  | { type: 'scenario-end'; result: ScenarioResult; index: number; total: number };

export interface ProgressSink {
  (ev: ProgressEvent): void;
  /** Clears the live line (before other output). */
  close(): void;
}

/** The fleet's totals in a few words; real browsers' share apart (they are the costly ones). */
export function formatLive(p: FleetProgress): string {
  const c = p.chromium;
  return (
    `${p.connected}/${p.subscribers} open, ${p.events} events, ${p.reconnects} reconnects` +
    (p.gaveUp ? `, ${p.gaveUp} gave up` : '') +
    (c
      ? `; chromium ${c.connected}/${c.subscribers} open, ${c.events} events, ${c.reconnects} reconnects`
      : '')
  );
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  let started = 0;
  let current = '';
  let counters: (() => FleetProgress) | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const live = (text: string) => stream.write(`\r\x1b[2K${text}`);
  const render = () =>
    live(
      `${current} ${((Date.now() - started) / 1000).toFixed(1)}s${counters ? ` · ${formatLive(counters())}` : ''}`,
    );

  const sink = ((ev: ProgressEvent) => {
    if (ev.type === 'scenario-start') {
      started = Date.now();
      counters = undefined;
      current = `[${ev.index + 1}/${ev.total}] ${ev.name}`;
      if (tty) {
        render();
        ticker ??= setInterval(render, 200).unref();
      } else stream.write(`${current}: starting\n`);
    } else if (ev.type === 'phase') {
      counters = ev.live;
      if (tty) {
        current = current.replace(/ · .*$/, '') + ` · ${ev.phase}`;
        render();
      } else stream.write(`  ${ev.name}: ${ev.phase}${ev.live ? ` (${formatLive(ev.live())})` : ''}\n`);
    } else {
      counters = undefined;
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
      const disagree = (r.modelCheck?.comparisons ?? [])
        .filter((c) => c.outcome === 'disagree' && c.known === undefined)
        .map((c) => c.slo);
      const detail =
        r.verdict === 'error'
          ? ` error: ${r.error?.split('\n')[0] ?? ''}`
          : (failed.length ? ` violated: ${failed.join(', ')}` : '') +
            (disagree.length ? ` model and chromium disagree on: ${disagree.join(', ')}` : '');
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
