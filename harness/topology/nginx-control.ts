/**
 * One nginx control protocol for both runtimes. A runtime only says how to reach its nginx
 * (`NginxHost`: write the config, test it, signal a reload or a quit, read the error log); the
 * protocol is shared:
 *
 *   render generation g+1 -> write -> `nginx -t` (on failure: restore the old config, keep the old
 *   profile and parameters, and quote nginx) -> remember the live workers -> reload -> the probe
 *   answers the new profile and generation -> every old worker has stopped accepting
 *
 * so "reload resolved" means every new stream is served by the new config, while open streams keep
 * the old workers (nginx's graceful reload).
 */
import type { ExitInfo } from './managed-process.ts';
import { InfrastructureError } from './errors.ts';
import type { ProfileParams } from './nginx-profiles.ts';
import { liveWorkers, waitForGeneration, workersRetired } from './nginx-probe.ts';
import { tail, waitUntil, withTimeout } from './readiness.ts';
import type { NginxControl } from './topology.ts';

/** How one runtime reaches its nginx. */
export interface NginxHost {
  /** `host:port` the harness reaches nginx at (the generation probe). */
  readonly address: string;
  /** nginx listens with TLS (the generation probe speaks https). */
  readonly tls?: boolean;
  writeConfig(text: string): Promise<void>;
  /** `nginx -t` on the written config: undefined when it passes, else nginx's own words. */
  testConfig(): Promise<string | undefined>;
  signalReload(): Promise<void>;
  signalQuit(): Promise<void>;
  errorLog(): Promise<string>;
  /** Resolves when the nginx master exits (when the runtime can tell). */
  readonly exited?: Promise<ExitInfo | undefined>;
}

export interface NginxControlOptions {
  profile: string;
  params: ProfileParams | undefined;
  /** The config that is live now, and its generation. */
  config: string;
  generation: number;
  render(profile: string, generation: number, params: ProfileParams | undefined): string;
}

export function nginxControl(host: NginxHost, o: NginxControlOptions): NginxControl {
  let { profile, params, config, generation } = o;
  let exited = false;
  void host.exited?.then(() => (exited = true));
  return {
    kind: 'nginx',
    get profile() {
      return profile;
    },
    get config() {
      return config;
    },
    async reload(next: string, nextParams?: ProfileParams) {
      if (exited)
        throw new InfrastructureError(
          'nginx',
          'cannot reload: nginx is not running',
          tail(await host.errorLog()),
        );
      const useParams = nextParams ?? params;
      const rendered = o.render(next, generation + 1, useParams);
      await host.writeConfig(rendered);
      const problem = await host.testConfig();
      if (problem) {
        await host.writeConfig(config);
        throw new InfrastructureError(
          'nginx',
          `profile "${next}" does not pass nginx -t; kept "${profile}"`,
          problem,
        );
      }
      const oldWorkers = liveWorkers(await host.errorLog());
      let log = '';
      await host.signalReload();
      await waitForGeneration({
        address: host.address,
        ...(host.tls ? { tls: true } : {}),
        profile: next,
        generation: generation + 1,
        ...(host.exited ? { exited: host.exited } : {}),
        logTail: () => log,
      });
      // New workers answer, but an old worker accepts new connections until it has read the
      // shutdown order: wait for that too.
      await waitUntil({
        component: 'nginx',
        what: `the old workers (${[...oldWorkers].join(', ')}) stop accepting after the reload`,
        check: async () => workersRetired((log = await host.errorLog()), oldWorkers),
        ...(host.exited ? { exited: host.exited } : {}),
        logTail: () => log,
        timeoutMs: 10_000,
      });
      generation += 1;
      profile = next;
      params = useParams;
      config = rendered;
    },
    quit: () => host.signalQuit(),
    errorLog: () => host.errorLog(),
    waitExit: async (timeoutMs: number) => (host.exited ? withTimeout(host.exited, timeoutMs) : undefined),
  };
}
