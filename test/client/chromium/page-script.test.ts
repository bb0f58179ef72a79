/** How a connection attempt is tied to its subscriber: a URL fragment the server never sees. */
import { describe, expect, it } from 'vitest';
import {
  openScript,
  REPORT_BINDING,
  subFromFragment,
  taggedUrl,
} from '../../../harness/client/chromium/page-script.ts';

describe('subscriber tags', () => {
  it('tags a stream URL with the subscriber in the fragment, replacing any fragment it had', () => {
    expect(taggedUrl('http://127.0.0.1:8080/events?topics=a,b', 12)).toBe(
      'http://127.0.0.1:8080/events?topics=a,b#sse-chaos-sub=12',
    );
    expect(taggedUrl('http://h/events#old', 3)).toBe('http://h/events#sse-chaos-sub=3');
  });

  it("reads the subscriber back from CDP's urlFragment, and nothing from anyone else's", () => {
    expect(subFromFragment('#sse-chaos-sub=12')).toBe(12);
    expect(subFromFragment(undefined)).toBeUndefined();
    expect(subFromFragment('')).toBeUndefined();
    expect(subFromFragment('#sse-chaos-sub=')).toBeUndefined();
    expect(subFromFragment('#other=1')).toBeUndefined();
    expect(subFromFragment('#sse-chaos-sub=1x')).toBeUndefined();
  });

  it('opens each EventSource from data, never from code: a hostile URL stays a string', () => {
    const url = 'http://h/e?x=");alert(1);("';
    const script = openScript([[1, url]]);
    expect(script).toContain(REPORT_BINDING);
    expect(script).toContain(JSON.stringify([[1, url]]));
  });
});
