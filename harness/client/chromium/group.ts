/**
 * A group of real Chromium EventSources in one browser, writing to the run's history next to the
 * modelled fleet (profile `chromium`).
 *
 * Layout: subscribers are packed `perContext` to a browser context (one page each). Over HTTP/1.1
 * Chromium opens at most 6 connections per origin per context, so the default of 6 keeps every
 * EventSource connected; more than 6 reproduces the cap on purpose (the 7th waits for a socket
 * forever: a `connect` with no `response`). Each context costs a renderer process (see README.md).
 */
import type { RunClock } from '../../history/clock.ts';
import type { Millis } from '../../history/records.ts';
import type { History } from '../../history/store.ts';
import { newCounters, streamUrl, type SubscriberCounters, type SubscriberState } from '../subscriber.ts';
import { ClientPage } from './client-page.ts';
import type { ChromiumBrowser } from './launch.ts';
import { taggedUrl } from './page-script.ts';
import { createTimeBase, type TimeBaseMode } from './time-base.ts';
import { ChromiumSubscriber, type TimeClamp } from './tracker.ts';

/** Chromium's HTTP/1.1 connection limit per origin (per browser context). */
export const HTTP1_CONNECTIONS_PER_ORIGIN = 6;

export interface ChromiumGroupOptions {
  browser: ChromiumBrowser;
  /** The stream URL (http: or https:); `topics` are added as `?topics=a,b` like the modelled fleet. */
  url: string;
  /** Number of EventSources (subscribers). */
  count: number;
  /** Sub id of the first subscriber (default 0); the group uses firstSub .. firstSub + count - 1. */
  firstSub?: number;
  /** Topics for everyone, or a function of the sub id. */
  topics?: string[] | ((sub: number) => string[]);
  lane?: 'edge' | 'edge-b';
  history: History;
  clock: RunClock;
  /** EventSources per browser context (default 6, Chromium's HTTP/1.1 cap per origin). */
  perContext?: number;
  /** Live totals (pass the fleet's to count both in one progress line). */
  counters?: SubscriberCounters;
  /** Accept self-signed TLS certificates in the group's contexts. */
  ignoreHttpsErrors?: boolean;
  /** The run nonce (history/payload.ts): payloads of other runs are recorded as foreign. */
  run?: string;
  /** How long an attempt's records wait for its sent headers (default 1000 ms; see tracker.ts). */
  releaseAfterMs?: number;
  /**
   * `cdp` (default): records carry the browser's own timestamps when the shared clock checks out;
   * `arrival`: stamp records when the browser's report reaches us (see time-base.ts).
   */
  timeBase?: TimeBaseMode;
}

export interface ChromiumGroup {
  readonly subs: readonly number[];
  readonly counters: SubscriberCounters;
  /** Browser contexts (renderer processes) the group uses. */
  readonly contexts: number;
  /** `cdp`: records carry the browser's own timestamps; `arrival`: stamped when the report arrived. */
  readonly timeBase: TimeBaseMode;
  /** Record times raised to keep each subscriber's records in causal order (see tracker.ts). */
  readonly timeClamp: Readonly<TimeClamp>;
  state(sub: number): SubscriberState;
  /** Closes every EventSource (`close` aborted + `unsubscribe`) and the group's contexts. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when every subscriber gave up or was stopped. */
  readonly done: Promise<void>;
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new RangeError(`chromium group: ${name}: expected a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function validate(o: ChromiumGroupOptions): { origin: string; perContext: number; firstSub: number } {
  positiveInt('count', o.count);
  const perContext = positiveInt('perContext', o.perContext ?? HTTP1_CONNECTIONS_PER_ORIGIN);
  const firstSub = o.firstSub ?? 0;
  if (!Number.isInteger(firstSub) || firstSub < 0)
    throw new RangeError(
      `chromium group: firstSub: expected an integer >= 0, got ${JSON.stringify(firstSub)}`,
    );
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    throw new TypeError(`chromium group: url: not a valid URL: ${JSON.stringify(o.url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new TypeError(`chromium group: url: expected http: or https:, got ${JSON.stringify(o.url)}`);
  if (o.timeBase !== undefined && o.timeBase !== 'cdp' && o.timeBase !== 'arrival')
    throw new TypeError(
      `chromium group: timeBase: expected "cdp" or "arrival", got ${JSON.stringify(o.timeBase)}`,
    );
  const releaseAfterMs = o.releaseAfterMs ?? 1000;
  if (!(releaseAfterMs > 0))
    throw new RangeError(
      `chromium group: releaseAfterMs: expected > 0, got ${JSON.stringify(releaseAfterMs)}`,
    );
  return { origin: u.origin, perContext, firstSub };
}

function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve) => {
    const poll = (): void => {
      if (cond() || performance.now() >= deadline) resolve();
      else setTimeout(poll, 10);
    };
    poll();
  });
}

/** Opens the group: contexts and pages first, then every EventSource. On failure nothing stays open. */
export async function openChromiumGroup(o: ChromiumGroupOptions): Promise<ChromiumGroup> {
  const { origin, perContext, firstSub } = validate(o);
  const counters = o.counters ?? newCounters();
  const timeBase = createTimeBase(o.clock, o.timeBase ?? 'cdp');
  const trackerCtx = {
    history: o.history,
    counters,
    releaseAfterMs: o.releaseAfterMs ?? 1000,
    clamp: { count: 0, maxMs: 0 },
    ...(o.run !== undefined ? { run: o.run } : {}),
  };
  const trackers = new Map<number, ChromiumSubscriber>();
  const subs: number[] = [];
  for (let i = 0; i < o.count; i++) {
    const sub = firstSub + i;
    subs.push(sub);
    trackers.set(sub, new ChromiumSubscriber(sub, trackerCtx));
  }
  const topicsOf = (sub: number): string[] =>
    typeof o.topics === 'function' ? o.topics(sub) : (o.topics ?? []);

  const pages: ClientPage[] = [];
  // The browser went away (crashed, killed): every attempt in flight ends as an error, now.
  const onDisconnect = (): void => {
    const t = o.clock.now();
    for (const tracker of trackers.values()) tracker.onPageGone(t, 'the browser disconnected');
  };
  o.browser.playwright.on('disconnected', onDisconnect);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      o.browser.playwright.off('disconnected', onDisconnect);
      for (const t of trackers.values()) t.beginStop();
      await Promise.all(pages.map((p) => p.closeSources().catch(() => undefined)));
      // Let the browser report its cancellations (CDP timestamps), then close what is left now.
      await waitUntil(() => [...trackers.values()].every((t) => !t.inFlight), 2_000);
      const now: Millis = o.clock.now();
      for (const t of trackers.values()) t.finishStop(now);
      await Promise.all(pages.map((p) => p.close()));
    })());

  try {
    for (let i = 0; i < subs.length; i += perContext) {
      const page = await ClientPage.open({
        browser: o.browser,
        origin,
        trackers,
        timeBase,
        clock: o.clock,
        ignoreHttpsErrors: o.ignoreHttpsErrors,
      });
      pages.push(page);
      const batch = subs.slice(i, i + perContext);
      // The context's name: its first subscriber's id is unique across the groups of a run.
      const client = `chromium context ${batch[0]}`;
      const sources = batch.map((sub) => {
        const topics = topicsOf(sub);
        trackers.get(sub)!.start(o.clock.now(), topics, o.lane ?? 'edge', client);
        return [sub, taggedUrl(streamUrl(o.url, topics), sub)] as const;
      });
      await page.openSources(sources);
    }
  } catch (err) {
    await stop();
    throw new Error(
      `chromium group: could not open ${o.count} EventSources to ${o.url}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }

  const done = Promise.all([...trackers.values()].map((t) => t.done)).then(() => undefined);
  return {
    subs,
    counters,
    contexts: pages.length,
    get timeBase() {
      return timeBase.mode;
    },
    timeClamp: trackerCtx.clamp,
    state: (sub) => {
      const t = trackers.get(sub);
      if (!t)
        throw new RangeError(
          `chromium group: no subscriber ${sub} (have ${firstSub}..${firstSub + o.count - 1})`,
        );
      return t.state;
    },
    stop,
    done,
  };
}
