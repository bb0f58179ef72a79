/**
 * A fleet process: one slice of a fleet in its own Node process, so a large fleet uses every core
 * (one event loop holds about one core's worth of streams). Started by fleet-pool.ts with an IPC
 * channel; it records on the runner's clock into batches and ships them every `flushMs`, keeping
 * nothing itself. It exits when told to stop, and at once when the runner goes away (the channel
 * closes), so it can never outlive its owner.
 */
import { BatchRecorder } from '../history/batch.ts';
import { clockFromAbsolute } from '../history/clock.ts';
import type { Fleet } from './fleet.ts';
import type { FromFleetProcess, ToFleetProcess } from './fleet-protocol.ts';
import { createFleetFromSpec } from './fleet-spec.ts';

function send(m: FromFleetProcess): void {
  process.send?.(m);
}

function fail(err: unknown): void {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}

function main(): void {
  if (!process.send) {
    process.stderr.write('fleet-process: start it through fleet-pool.ts (it needs an IPC channel)\n');
    process.exit(2);
  }
  const recorder = new BatchRecorder();
  let fleet: Fleet | undefined;
  let clockNow: () => number = () => NaN;
  let flushTimer: NodeJS.Timeout | undefined;
  const counters = () => ({ ...fleet!.counters });
  const flush = (): void => {
    if (fleet && recorder.size > 0) send({ type: 'records', batch: recorder.take(), counters: counters() });
  };

  // The runner is gone (killed, crashed): nothing may be left behind.
  process.on('disconnect', () => process.exit(0));

  process.on('message', (m: ToFleetProcess) => {
    try {
      switch (m.type) {
        case 'config': {
          fleet = createFleetFromSpec(m.spec, recorder, clockFromAbsolute(m.clockOrigin));
          clockNow = clockFromAbsolute(m.clockOrigin).now;
          flushTimer = setInterval(flush, m.flushMs);
          send({ type: 'ready' });
          break;
        }
        case 'ping':
          send({ type: 'pong', id: m.id, t: clockNow() });
          break;
        case 'start':
          fleet!.start().then(() => send({ type: 'started' }), fail);
          break;
        case 'stop': {
          if (flushTimer) clearInterval(flushTimer);
          const f = fleet;
          void (f ? f.stop() : Promise.resolve()).then(() => {
            send({ type: 'stopped', batch: recorder.take(), counters: f ? { ...f.counters } : zero() });
          }, fail);
          break;
        }
      }
    } catch (err) {
      fail(err);
    }
  });
}

const zero = () => ({ connected: 0, events: 0, heartbeats: 0, reconnects: 0, gaveUp: 0, started: 0 });

main();
