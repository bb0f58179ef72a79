/**
 * A planned fleet on a topology: the modelled subscribers (profile mix, lanes, watchdog, backoff)
 * and, when the plan asks for real browsers, one Chromium for the run with its EventSources in
 * browser contexts; all from the plan, with the run nonce so other runs' events are told apart.
 * Over TLS both trust the run's certificate; over HTTP/2 both multiplex their streams.
 *
 * The browser has one owner: this fleet. It is stopped with the fleet, and also when starting the
 * fleet fails half-way (the guardian covers our own death; see harness/client/chromium/launch.ts).
 */
import type { ChromiumBrowser, ChromiumGroup } from '../client/chromium/index.ts';
import { createFleet, laneOf, type Fleet } from '../client/fleet.ts';
import { newCounters } from '../client/subscriber.ts';
import type { RunClock } from '../history/clock.ts';
import type { BrowserCost } from '../results/results.ts';
import type { History } from '../history/store.ts';
import type { Topology } from '../topology/topology.ts';
import type { FleetPlan } from './plan.ts';

export type { BrowserCost };

/** Live totals for the progress line. */
export interface FleetProgress {
  subscribers: number;
  connected: number;
  events: number;
  reconnects: number;
  gaveUp: number;
  /** The real browsers' share of the same totals (absent without them). */
  chromium?: { subscribers: number; connected: number; events: number; reconnects: number };
}

export interface RunningFleet {
  readonly fleet: Fleet;
  /** Resolves when every subscriber has an open stream, or after `timeoutMs` (never rejects). */
  waitConnected(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  progress(): FleetProgress;
  /** The browser's cost so far (undefined without real browsers). */
  browserCost(): BrowserCost | undefined;
  stop(): Promise<void>;
}

export async function startFleetFor(
  plan: FleetPlan,
  topology: Topology,
  history: History,
  clock: RunClock,
  o: { seed: number; run: string },
): Promise<RunningFleet> {
  const tls = topology.tls;
  const fleet = createFleet({
    size: plan.modelCount,
    url: topology.urls.stream,
    urlB: topology.urls.streamB,
    laneBFraction: plan.edgeBFraction,
    rampMs: plan.rampMs,
    browserFraction: plan.browserFraction,
    topics: (i) =>
      laneOf(i, plan.modelCount, plan.edgeBFraction) === 'edge-b' ? plan.fractionTopics : plan.topics,
    history,
    clock,
    seed: o.seed,
    run: o.run,
    stallAfterMs: plan.watchdogMs,
    backoff: { baseMs: plan.backoff.baseMs, capMs: plan.backoff.capMs },
    ...(tls ? { transport: { ca: tls.certificate, http2: tls.http2 } } : {}),
  });
  const chromiumCounters = newCounters();
  const groups: ChromiumGroup[] = [];
  let browser: ChromiumBrowser | undefined;
  let cost:
    { t0: number; cpu0: number; idlePss: number; peakPss: number; timer?: NodeJS.Timeout } | undefined;
  const sample = (): void => {
    if (!browser || !cost) return;
    cost.peakPss = Math.max(cost.peakPss, browser.usage().pssBytes);
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (cost?.timer) clearInterval(cost.timer);
      sample();
      const closing = Promise.all(groups.map((g) => g.stop().catch(() => undefined)));
      await Promise.all([fleet.stop(), closing]);
      await browser?.stop();
    })());

  /** The real browsers: one Chromium, the edge-b share first (like the modelled fleet), then edge. */
  const startBrowsers = async (): Promise<void> => {
    const n = plan.chromium.count;
    if (n === 0) return;
    const { launchChromium, openChromiumGroup } = await import('../client/chromium/index.ts');
    browser = await launchChromium();
    const idle = browser.usage();
    cost = { t0: performance.now(), cpu0: idle.cpuMs, idlePss: idle.pssBytes, peakPss: idle.pssBytes };
    cost.timer = setInterval(sample, 1000).unref();
    const onB = Math.ceil(plan.edgeBFraction * n);
    const lanes = [
      { lane: 'edge-b' as const, count: onB, url: topology.urls.streamB, topics: plan.fractionTopics },
      { lane: 'edge' as const, count: n - onB, url: topology.urls.stream, topics: plan.topics },
    ];
    let firstSub = plan.modelCount;
    for (const l of lanes) {
      if (l.count === 0) continue;
      groups.push(
        await openChromiumGroup({
          browser,
          url: l.url,
          count: l.count,
          firstSub,
          topics: l.topics,
          lane: l.lane,
          history,
          clock,
          perContext: plan.chromium.perContext,
          counters: chromiumCounters,
          ignoreHttpsErrors: tls !== undefined,
          run: o.run,
        }),
      );
      firstSub += l.count;
    }
  };

  try {
    // The browser first: launching it and opening its contexts keeps this process busy for a second or
    // two, which would delay (and so skew) the modelled subscribers' first records if they overlapped.
    await startBrowsers();
    await fleet.start();
  } catch (err) {
    await stop();
    throw err;
  }
  const connected = (): number => fleet.counters.connected + chromiumCounters.connected;
  return {
    fleet,
    stop,
    progress: () => ({
      subscribers: plan.count,
      connected: connected(),
      events: fleet.counters.events + chromiumCounters.events,
      reconnects: fleet.counters.reconnects + chromiumCounters.reconnects,
      gaveUp: fleet.counters.gaveUp + chromiumCounters.gaveUp,
      ...(plan.chromium.count > 0
        ? {
            chromium: {
              subscribers: plan.chromium.count,
              connected: chromiumCounters.connected,
              events: chromiumCounters.events,
              reconnects: chromiumCounters.reconnects,
            },
          }
        : {}),
    }),
    browserCost: () => {
      if (!browser || !cost) return undefined;
      const u = browser.usage();
      cost.peakPss = Math.max(cost.peakPss, u.pssBytes);
      return {
        eventSources: plan.chromium.count,
        contexts: groups.reduce((sum, g) => sum + g.contexts, 0),
        processes: u.processes,
        peakPssBytes: cost.peakPss,
        idlePssBytes: cost.idlePss,
        cpuMs: u.cpuMs - cost.cpu0,
        wallMs: performance.now() - cost.t0,
        version: browser.version,
      };
    },
    async waitConnected(timeoutMs, signal) {
      const end = performance.now() + timeoutMs;
      while (connected() < plan.count) {
        if (performance.now() >= end || signal?.aborted) return false;
        await new Promise((r) => setTimeout(r, 25));
      }
      return true;
    },
  };
}
