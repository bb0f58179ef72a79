/**
 * A fleet split over processes (fleet-process.ts): one slice each, so a fleet of thousands uses every
 * core instead of one event loop. Their records arrive in batches and go into the runner's History as
 * they come; their times are already on the runner's run clock (both read
 * `performance.timeOrigin + performance.now()`), and `clockCheck` measures how well that holds:
 * ping-pongs whose reply time must fall between send and receive.
 *
 * One owner: `stop()` ends every process (SIGKILL after a grace period); a process also exits by
 * itself when this one goes away, since its IPC channel closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendBatch } from '../history/batch.ts';
import { absoluteOrigin, type RunClock } from '../history/clock.ts';
import type { HistorySink } from '../history/sink.ts';
import { nodeEntry } from '../package-layout.ts';
import type { FleetCounters } from './fleet.ts';
import type { FromFleetProcess, ToFleetProcess } from './fleet-protocol.ts';
import type { FleetSpec } from './fleet-spec.ts';

export interface FleetPoolOptions {
  /** The whole fleet (or the slice of it this machine runs), split evenly over `processes`. */
  spec: FleetSpec;
  processes: number;
  history: HistorySink;
  clock: RunClock;
  /** How often a process ships its records (default 100 ms). */
  flushMs?: number;
  /** Extra V8 flags for the processes (default: a 64 MiB young generation, which cuts GC work per event). */
  nodeFlags?: string[];
}

/** How far a process's clock is from the runner's, by the tightest of several ping-pongs each. */
export interface ClockCheck {
  /** Largest |offset| over the processes (ms): the midpoint of send and receive vs the reply's time. */
  maxOffsetMs: number;
  /** Largest uncertainty of those offsets: half the round trip of each process's tightest ping (ms). */
  maxBoundMs: number;
  /** Pings per process. */
  samples: number;
}

export interface FleetPool {
  readonly counters: Readonly<FleetCounters>;
  readonly processes: number;
  /** Process ids (for leak checks). */
  pids(): number[];
  /** Starts every slice's ramp; resolves when every subscriber has been started. */
  start(): Promise<void>;
  /** Measures the processes' clocks against the runner's (also done before the ramp and at stop). */
  clockCheck(samples?: number): Promise<ClockCheck>;
  /** Every check so far: before the ramp (in `startFleetPool`) and after the fleet stopped (in `stop`). */
  readonly clockChecks: readonly ClockCheck[];
  /** Set when a process failed or exited early: the run's records are incomplete. */
  problem(): string | undefined;
  /** Stops every subscriber, takes the last records, ends the processes. Idempotent. */
  stop(): Promise<void>;
}

/** Slice k of n of a spec: contiguous subscribers, the first slices one larger when n does not divide. */
export function sliceSpec(spec: FleetSpec, k: number, n: number): FleetSpec {
  const base = Math.floor(spec.size / n);
  const extra = spec.size % n;
  const first = spec.firstSub + k * base + Math.min(k, extra);
  return { ...spec, firstSub: first, size: base + (k < extra ? 1 : 0) };
}

interface Member {
  child: ChildProcess;
  counters: FleetCounters;
  stderr: string;
  stopped: boolean;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  waiters: Array<(m: FromFleetProcess) => boolean>;
}

const zero = (): FleetCounters => ({
  connected: 0,
  events: 0,
  heartbeats: 0,
  reconnects: 0,
  gaveUp: 0,
  started: 0,
});

export async function startFleetPool(o: FleetPoolOptions): Promise<FleetPool> {
  const n = Math.max(1, Math.floor(o.processes));
  const flags = o.nodeFlags ?? ['--max-semi-space-size=64'];
  const members: Member[] = [];
  const problems: string[] = [];
  const counters = zero();
  const total = (): void => {
    for (const k of Object.keys(counters) as (keyof FleetCounters)[])
      counters[k] = members.reduce((sum, m) => sum + m.counters[k], 0);
  };

  const nextMessage = (m: Member, want: (msg: FromFleetProcess) => boolean, ms: number, what: string) =>
    new Promise<FromFleetProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        m.waiters = m.waiters.filter((w) => w !== waiter);
        reject(new Error(`fleet process ${m.child.pid}: no ${what} within ${ms} ms`));
      }, ms);
      const waiter = (msg: FromFleetProcess): boolean => {
        if (!want(msg)) return false;
        clearTimeout(timer);
        resolve(msg);
        return true;
      };
      m.waiters.push(waiter);
      void m.exited.then(() => {
        clearTimeout(timer);
        reject(
          new Error(`fleet process ${m.child.pid} exited before its ${what}: ${m.stderr.trim().slice(-800)}`),
        );
      });
    });

  const post = (m: Member, msg: ToFleetProcess): void => {
    if (m.child.connected) m.child.send(msg);
  };

  for (let k = 0; k < n; k++) {
    const child = spawn(process.execPath, [...flags, ...nodeEntry('harness/client/fleet-process')], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const m: Member = {
      child,
      counters: zero(),
      stderr: '',
      stopped: false,
      exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>,
      waiters: [],
    };
    child.stderr!.on('data', (d: Buffer) => (m.stderr = (m.stderr + d.toString()).slice(-8_000)));
    child.on('message', (msg: FromFleetProcess) => {
      if (msg.type === 'records' || msg.type === 'stopped') {
        appendBatch(o.history, msg.batch);
        m.counters = msg.counters;
        total();
      } else if (msg.type === 'error') {
        problems.push(`fleet process ${child.pid}: ${msg.message}`);
      }
      m.waiters = m.waiters.filter((w) => !w(msg));
    });
    void m.exited.then(([code, signal]) => {
      if (!m.stopped)
        problems.push(
          `fleet process ${child.pid} exited early (code ${String(code)}, signal ${String(signal)}): ${m.stderr.trim().slice(-800)}`,
        );
    });
    members.push(m);
  }

  let pingId = 0;
  /** The tightest of `samples` ping-pongs with one process: its offset and half its round trip. */
  const pingMember = async (m: Member, samples: number): Promise<{ offset: number; bound: number }> => {
    let best: { offset: number; bound: number } | undefined;
    for (let i = 0; i < samples; i++) {
      const id = ++pingId;
      const reply = nextMessage(m, (x) => x.type === 'pong' && x.id === id, 10_000, 'pong');
      const sent = o.clock.now();
      post(m, { type: 'ping', id });
      const pong = (await reply) as Extract<FromFleetProcess, { type: 'pong' }>;
      const received = o.clock.now();
      const bound = (received - sent) / 2;
      if (!best || bound < best.bound) best = { offset: pong.t - (sent + received) / 2, bound };
    }
    return best!;
  };
  const summarize = (bests: { offset: number; bound: number }[], samples: number): ClockCheck => ({
    maxOffsetMs: Math.max(0, ...bests.map((b) => Math.abs(b.offset))),
    maxBoundMs: Math.max(0, ...bests.map((b) => b.bound)),
    samples,
  });
  const clockChecks: ClockCheck[] = [];
  const finalPings: { offset: number; bound: number }[] = [];

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await Promise.all(
        members.map(async (m) => {
          if (m.child.exitCode === null && m.child.signalCode === null && m.child.connected) {
            const last = nextMessage(m, (x) => x.type === 'stopped', 30_000, 'last records').catch(
              (err: Error) => void problems.push(err.message),
            );
            post(m, { type: 'stop' });
            await last;
            // The fleet is quiet now: the tightest clock comparison of the run.
            if (m.child.connected)
              await pingMember(m, 10).then(
                (b) => void finalPings.push(b),
                () => undefined,
              );
          }
          m.stopped = true;
          if (m.child.connected) m.child.disconnect();
          const killer = setTimeout(() => m.child.kill('SIGKILL'), 5_000);
          await m.exited;
          clearTimeout(killer);
        }),
      );
      if (finalPings.length) clockChecks.push(summarize(finalPings, 10));
    })());

  try {
    const clockOrigin = absoluteOrigin(o.clock);
    await Promise.all(
      members.map((m, k) => {
        const ready = nextMessage(m, (x) => x.type === 'ready', 30_000, 'ready');
        post(m, {
          type: 'config',
          spec: sliceSpec(o.spec, k, n),
          clockOrigin,
          flushMs: o.flushMs ?? 100,
        });
        return ready;
      }),
    );
    clockChecks.push(summarize(await Promise.all(members.map((m) => pingMember(m, 10))), 10));
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    counters,
    processes: n,
    pids: () => members.map((m) => m.child.pid!).filter((p) => p !== undefined),
    async start() {
      await Promise.all(
        members.map((m) => {
          const started = nextMessage(m, (x) => x.type === 'started', 10 * 60_000, 'ramp');
          post(m, { type: 'start' });
          return started;
        }),
      );
    },
    async clockCheck(samples = 10) {
      const check = summarize(await Promise.all(members.map((m) => pingMember(m, samples))), samples);
      clockChecks.push(check);
      return check;
    },
    clockChecks,
    problem: () => (problems.length ? problems.join('; ') : undefined),
    stop,
  };
}
