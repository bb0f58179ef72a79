/**
 * The nemesis: fires a scenario's fault steps on schedule, writes each window to the history as
 * fault-start / fault-end, and repairs everything it broke, also when the run is stopped early.
 *
 * A step that fails to apply is recorded (fault-end with `error`) and reported in `errors`: a fault
 * that did not happen makes the verdict meaningless, so the runner turns it into verdict `error`.
 */
import type { HistoryRecord, Leg } from '../history/records.ts';
import type { Topology } from '../topology/topology.ts';
import type { Undo } from './fault.ts';
import { getFault } from './registry.ts';
import type { ToxiproxyApi } from './toxiproxy-api.ts';

export interface FaultStep {
  /** ms after the workload started. */
  at: number;
  /** ms the fault stays before it is undone (target faults: extra time after the restart). */
  duration: number;
  action: string;
  params: Record<string, unknown>;
  leg?: Leg;
}

export interface NemesisOptions {
  topology: Topology;
  api: ToxiproxyApi;
  record(r: HistoryRecord): void;
  now(): number;
  /** Run-clock time the schedule counts from (the workload start). */
  origin: number;
  /** Called around each fault (tracing hook). */
  wrap?<T>(step: FaultStep, fn: () => Promise<T>): Promise<T>;
}

export interface Nemesis {
  /** Resolves when every step has been applied and undone (never rejects). */
  readonly done: Promise<void>;
  /** Errors of steps that failed to apply or undo, with the step name. */
  readonly errors: string[];
  /** Cancels pending steps and undoes active ones; resolves when all is repaired. */
  stop(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export function startNemesis(steps: readonly FaultStep[], opts: NemesisOptions): Nemesis {
  const abort = new AbortController();
  const errors: string[] = [];
  const wrap = opts.wrap ?? ((_s, fn) => fn());

  async function runStep(step: FaultStep, id: number): Promise<void> {
    await sleep(opts.origin + step.at - opts.now(), abort.signal);
    if (abort.signal.aborted) return;
    const def = getFault(step.action);
    const leg: Leg = step.leg ?? 'edge';
    const label = `${step.action}${def.legs.length ? ` on ${leg}` : ''}`;
    await wrap(step, async () => {
      opts.record({
        kind: 'fault-start',
        t: opts.now(),
        id,
        fault: step.action,
        ...(def.legs.length ? { leg } : {}),
        params: step.params,
      });
      let undo: Undo | undefined;
      try {
        undo = await def.apply({
          topology: opts.topology,
          leg,
          params: def.params.parse(step.params),
          api: opts.api,
          uid: String(id),
          record: opts.record,
          now: opts.now,
        });
      } catch (err) {
        const message = `${label}: apply failed: ${(err as Error).message}`;
        errors.push(message);
        opts.record({ kind: 'fault-end', t: opts.now(), id, fault: step.action, error: message });
        return;
      }
      await sleep(step.duration, abort.signal);
      try {
        await undo();
        opts.record({ kind: 'fault-end', t: opts.now(), id, fault: step.action });
      } catch (err) {
        const message = `${label}: undo failed: ${(err as Error).message}`;
        errors.push(message);
        opts.record({ kind: 'fault-end', t: opts.now(), id, fault: step.action, error: message });
      }
    });
  }

  const done = Promise.all(
    steps.map((s, i) => runStep(s, i + 1).catch((e: unknown) => void errors.push(String(e)))),
  ).then(() => undefined);
  return {
    done,
    errors,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
