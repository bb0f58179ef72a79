/**
 * What runs inside the browser page: plain EventSource objects, nothing else.
 *
 * Each EventSource's URL carries `#sse-chaos-sub=N`. A fragment is never sent to the server (nor is
 * it in the Host or request line), but Chromium keeps it in the request it reports over CDP
 * (`urlFragment`), on every reconnect: that is how a connection attempt is tied to its subscriber
 * without changing what the server sees.
 *
 * The only page-level observation is `error` with the readyState after it: CONNECTING (0) means the
 * browser will reconnect, CLOSED (2) means it gave up for good. Everything else comes from CDP.
 *
 * The script is a string, not a function, so no bundler or test transform can rewrite it with
 * helpers that do not exist in the page.
 */

/** Name of the function the page calls back (exposed with BrowserContext.exposeBinding). */
export const REPORT_BINDING = '__sseChaosReport';

const FRAGMENT_KEY = 'sse-chaos-sub';

/** The stream URL as the page opens it for subscriber `sub` (any fragment of `url` is replaced). */
export function taggedUrl(url: string, sub: number): string {
  const u = new URL(url);
  u.hash = `${FRAGMENT_KEY}=${sub}`;
  return u.href;
}

/** The subscriber a CDP `urlFragment` (`#sse-chaos-sub=12`) names, or undefined for other requests. */
export function subFromFragment(fragment: string | undefined): number | undefined {
  if (!fragment) return undefined;
  const m = /^#sse-chaos-sub=(\d+)$/.exec(fragment);
  return m ? Number(m[1]) : undefined;
}

/** A page at the stream's origin that never reaches the server (served by a Playwright route). */
export const CLIENT_PAGE_PATH = '/__sse-chaos-client';
export const CLIENT_PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>sse-chaos chromium client</title>';

/** Opens one EventSource per [sub, url] pair. */
export function openScript(sources: ReadonlyArray<readonly [number, string]>): string {
  return `(() => {
  const report = globalThis[${JSON.stringify(REPORT_BINDING)}];
  const open = globalThis.__sseChaosSources ??= new Map();
  for (const [sub, url] of ${JSON.stringify(sources)}) {
    const es = new EventSource(url);
    es.onerror = () => { report(sub, es.readyState); };
    open.set(sub, es);
  }
  return open.size;
})()`;
}

/** Closes every EventSource of the page (the browser cancels their requests). */
export const CLOSE_ALL_SCRIPT = `(() => {
  const open = globalThis.__sseChaosSources;
  if (!open) return 0;
  for (const es of open.values()) es.close();
  return open.size;
})()`;
