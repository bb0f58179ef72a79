/**
 * A target already running at a URL: sse-chaos only checks it is ready, and stops or restarts it
 * only through the control commands its spec gives (`docker restart`, `systemctl stop`/`start`,
 * ...). Without them it cannot be signalled (the plan skips scenarios that need that).
 *
 * A target signal maps to the commands: SIGTERM runs `stop` (or, with only `restart`, the restart
 * itself), SIGKILL runs `kill`; `waitExit` waits for that command; `restart()` runs `start` (or
 * `restart` after a kill) and polls readyPath. If the run ends while the target is down (stopped by a
 * command that succeeded), `stop()` starts it again: the target is left as it was found.
 */
import { runControlCommand, type ControlAction } from './control-command.ts';
import { InfrastructureError } from './errors.ts';
import type { ExitInfo } from './managed-process.ts';
import { httpGet, waitUntil } from './readiness.ts';
import type { LocalTarget } from './target-local.ts';
import type { ControlCommand, TargetSpec } from './target.ts';

type UrlSpec = Extract<TargetSpec, { kind: 'url' }>;

export async function urlTarget(spec: UrlSpec, signal?: AbortSignal): Promise<LocalTarget> {
  const baseUrl = spec.baseUrl.replace(/\/$/, '');
  const url = new URL(baseUrl);
  const readyPath = spec.readyPath;
  const readyTimeoutMs = spec.readyTimeoutMs ?? 10_000;
  const waitReady = async (): Promise<void> => {
    await waitUntil({
      component: 'target',
      what: `GET ${baseUrl}${readyPath ?? '/'} answers below 500`,
      check: async () => (await httpGet(`${baseUrl}${readyPath ?? '/'}`)).status < 500,
      timeoutMs: readyTimeoutMs,
      signal,
    });
  };
  if (readyPath) await waitReady();

  const control = spec.control;
  const noControl = (what: string): never => {
    throw new Error(
      `target control: cannot ${what} the url target ${baseUrl}: sse-chaos did not start it and its spec gives no ` +
        '"control" commands (stop/kill/start or restart)',
    );
  };
  let running = true;
  /** The stop or kill under way, and whether it was the `restart` command (then it also started it). */
  let pending: { done: Promise<ExitInfo>; restarted: boolean } | undefined;
  let log = '';
  const run = async (action: ControlAction, cmd: ControlCommand): Promise<ExitInfo> => {
    log += `$ ${action}\n`;
    log += await runControlCommand(action, cmd, control!.timeoutMs);
    return { code: 0, signal: null };
  };

  const target: LocalTarget = {
    baseUrl,
    address: `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`,
    control: {
      kill(sig) {
        if (!control) return noControl('signal');
        const graceful = sig === 'SIGTERM';
        const cmd = graceful ? (control.stop ?? control.restart) : control.kill;
        if (!cmd) return noControl(graceful ? 'stop' : 'kill');
        const restarted = graceful && control.stop === undefined;
        running = false;
        const done = run(graceful ? (restarted ? 'restart' : 'stop') : 'kill', cmd);
        done.catch(() => {}); // Observed by waitExit.
        pending = { done, restarted };
      },
      async waitExit() {
        // The command's own timeout bounds the wait; its failure is the error.
        return pending ? await pending.done : undefined;
      },
      async restart() {
        if (!control) return noControl('restart');
        const was = pending;
        pending = undefined;
        if (was) await was.done;
        if (!was?.restarted) {
          const cmd = control.start ?? control.restart;
          if (!cmd) return noControl('start');
          await run(control.start ? 'start' : 'restart', cmd);
        }
        await waitReady().catch((err: unknown) => {
          throw err instanceof InfrastructureError
            ? err
            : new InfrastructureError('target', (err as Error).message, log);
        });
        running = true;
      },
      get running() {
        return running;
      },
      logs: () => log,
    },
    pid: () => undefined,
    async stop() {
      // Leave the target as it was found: started again if a run ended while it was down.
      if (running || !control) return;
      // A stop that failed or hung left the target in a state we do not know: leave it alone.
      const stopped = pending
        ? await pending.done.then(
            () => true,
            () => false,
          )
        : true;
      const cmd = control.start ?? control.restart;
      if (!stopped || pending?.restarted || !cmd) return;
      await run(control.start ? 'start' : 'restart', cmd).catch(() => {});
    },
  };
  return target;
}
