/**
 * The engine of a run that asked for containers (`--runtime containers`) on a machine where none
 * answers: the run starts dockerd (installing docker.io when root with apt, as `--start-engine` does)
 * and owns it, so it stops when the run ends, on error and on Ctrl-C too. An engine a killed run
 * left behind (its owner's PID is gone) is adopted by the next run and stopped the same way. An
 * engine somebody else runs, or one reached through DOCKER_HOST, is used and never touched.
 */
import { join } from 'node:path';
import { cacheDir } from '../tool-cache.ts';
import { isDockerd, readEngineRecord, startEngine, stopEngine, writeEngineRecord } from './engine.ts';
import { dockerEndpoint, pingEngine } from './docker-http.mjs';

export interface RunEngine {
  /** Stops the engine this run owns. */
  stop(): Promise<void>;
}

export const engineStateDir = (): string => join(cacheDir(), 'engine');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The engine for this run: undefined when one answers that is not ours to stop. `socket` (tests): a
 * private socket instead of the machine's default one.
 */
export async function engineForRun(
  log: (line: string) => void,
  o: { stateDir?: string; socket?: string } = {},
): Promise<RunEngine | undefined> {
  if (process.env.DOCKER_HOST && !o.socket) return undefined;
  const stateDir = o.stateDir ?? engineStateDir();
  const own = (): RunEngine => ({
    stop: async () => {
      const r = await stopEngine(stateDir);
      if (r.stopped) log(`engine: dockerd (pid ${r.pid}) this run started is stopped`);
    },
  });
  const env = { ...process.env };
  if (o.socket) env.DOCKER_HOST = `unix://${o.socket}`;
  else delete env.DOCKER_HOST;
  if (await pingEngine(dockerEndpoint(env), 2_000)) {
    const record = readEngineRecord(stateDir);
    if (!record || record.owner === undefined || alive(record.owner) || !isDockerd(record.pid))
      return undefined;
    writeEngineRecord(stateDir, { ...record, owner: process.pid });
    log(
      `engine: dockerd (pid ${record.pid}) was left by a run that died (pid ${record.owner}); this run stops it`,
    );
    return own();
  }
  log('engine: none answers; starting dockerd for this run (it stops when the run ends)');
  const started = await startEngine({ stateDir, log, ...(o.socket ? { socket: o.socket } : {}) });
  if (!started.started) return undefined;
  const record = readEngineRecord(stateDir);
  if (record) writeEngineRecord(stateDir, { ...record, owner: process.pid });
  return own();
}
