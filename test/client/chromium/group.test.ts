/** Opening a group: bad options are refused naming the field, and a failed open leaves nothing open. */
import { describe, expect, it } from 'vitest';
import { openChromiumGroup, type ChromiumGroupOptions } from '../../../harness/client/chromium/group.ts';
import { launchChromium, type ChromiumBrowser } from '../../../harness/client/chromium/launch.ts';
import { createRunClock } from '../../../harness/history/clock.ts';
import { History } from '../../../harness/history/store.ts';
import { RUN_BROWSER_TESTS } from './fixtures.ts';

const base = (browser: ChromiumBrowser): ChromiumGroupOptions => ({
  browser,
  url: 'http://127.0.0.1:9/events',
  count: 1,
  history: new History(),
  clock: createRunClock(),
});

describe('openChromiumGroup options', () => {
  // Validation runs before the browser is touched: no browser is needed to see it refuse.
  const noBrowser = {} as unknown as ChromiumBrowser;
  it.each<[Partial<ChromiumGroupOptions>, string]>([
    [{ count: 0 }, 'chromium group: count: expected a positive integer, got 0'],
    [{ count: 2.5 }, 'chromium group: count: expected a positive integer, got 2.5'],
    [{ perContext: 0 }, 'chromium group: perContext: expected a positive integer, got 0'],
    [{ firstSub: -1 }, 'chromium group: firstSub: expected an integer >= 0, got -1'],
    [{ url: 'not a url' }, 'chromium group: url: not a valid URL: "not a url"'],
    [
      { url: 'ws://127.0.0.1/events' },
      'chromium group: url: expected http: or https:, got "ws://127.0.0.1/events"',
    ],
    [{ timeBase: 'wall' as 'cdp' }, 'chromium group: timeBase: expected "cdp" or "arrival", got "wall"'],
    [{ releaseAfterMs: 0 }, 'chromium group: releaseAfterMs: expected > 0, got 0'],
  ])('%j is refused', async (bad, message) => {
    await expect(openChromiumGroup({ ...base(noBrowser), ...bad })).rejects.toThrow(message);
  });
});

describe.skipIf(!RUN_BROWSER_TESTS)('a failed open', () => {
  it('on a browser that is gone: a clear error, and no subscriber left running', async () => {
    const browser = await launchChromium();
    await browser.stop();
    const o = base(browser);
    await expect(openChromiumGroup(o)).rejects.toThrow(
      /^chromium group: could not open 1 EventSources to http:\/\/127\.0\.0\.1:9\/events: /,
    );
    expect(o.history.size).toBe(0);
  });
});
