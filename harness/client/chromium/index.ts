/** Real Chromium clients: a browser with one owner, and groups of EventSources writing to the history. */
export { CHROMIUM_FLAGS, defaultChromiumPath } from './flags.ts';
export { ChromiumLaunchError, launchChromium, type ChromiumBrowser, type LaunchOptions } from './launch.ts';
export {
  HTTP1_CONNECTIONS_PER_ORIGIN,
  openChromiumGroup,
  type ChromiumGroup,
  type ChromiumGroupOptions,
} from './group.ts';
export { processGroupUsage, type ProcessGroupUsage } from './process-usage.ts';
export type { TimeBaseMode } from './time-base.ts';
