/**
 * How we start Chromium for a fleet: which binary, and the command-line flags that make it work on a
 * closed CI machine without changing how its network stack treats an EventSource.
 */

/** The browser binary: $SSE_CHAOS_CHROMIUM, else Debian's /usr/bin/chromium (scripts/setup.mjs installs it). */
export function defaultChromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SSE_CHAOS_CHROMIUM || '/usr/bin/chromium';
}

/**
 * Every flag is here for a reason that was checked on Chromium 156 (Debian bookworm):
 * - headless, no sandbox (containers and root), no GPU;
 * - no QUIC: streams must use the TCP path that nginx and toxiproxy see;
 * - no background networking, component updates or sync: on a machine without internet access
 *   Chromium's own connection attempts are refused and disturb the run;
 * - the disabled features are browser UI only (each window's WebUI omnibox popups, their preloading,
 *   the spare renderer kept for the next tab). They cost about 60 MB PSS per browser context and
 *   change nothing about networking; unknown feature names are ignored by other versions.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=PreloadTopChromeWebUI,SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
];

/** The line Chromium prints on stderr once its DevTools endpoint listens. */
export const DEVTOOLS_LINE = /DevTools listening on (ws:\/\/\S+)/;
