/** no-resume-point: fresh streams start without the id-only block that names their position. */
import { afterEach, describe, expect, it } from 'vitest';
import { noResumePoint } from '../../../zoo/members/no-resume-point.ts';
import { createHarness, publishOk } from '../../server/helpers.ts';
import { startPair, type Started } from '../helpers.ts';

const h = createHarness();
afterEach(() => h.cleanup());

/** The wire up to and including the first event, for a fresh stream and one with a malformed id. */
async function starts({ url }: Started) {
  const fresh = await h.stream(url);
  const malformed = await h.stream(url, '/events', { 'Last-Event-ID': 'garbage' });
  await Promise.all([fresh, malformed].map((s) => s.waitFor((x) => x.items.length > 0)));
  const id = await publishOk(url, { data: 'first' });
  const first = `id: ${id}\ndata: first\n\n`;
  await Promise.all(
    [fresh, malformed].map((s) => s.waitFor((x) => x.raw.includes(first), 5000, 'the event')),
  );
  return { id, fresh: fresh.raw, malformed: malformed.raw };
}

describe('no-resume-point', () => {
  it('sends no id-only block to a fresh stream or after a reset; the reference sends both', async () => {
    const { member, reference } = await startPair(h, noResumePoint);
    const zoo = await starts(member);
    expect(zoo.fresh).toMatch(new RegExp(`^retry: \\d+\\n\\nid: ${zoo.id}\\ndata: first\\n\\n$`));
    expect(zoo.malformed).toMatch(/^retry: \d+\n\nevent: reset\ndata: \{[^\n]*\}\n\nid: /);

    const ref = await starts(reference);
    const sentinel = `${reference.server.eventLog.epoch}-000000000000`;
    expect(ref.fresh).toMatch(new RegExp(`^retry: \\d+\\n\\nid: ${sentinel}\\n\\nid: ${ref.id}\\n`));
    expect(ref.malformed).toMatch(new RegExp(`^retry: \\d+\\n\\nid: ${sentinel}\\n\\nevent: reset\\n`));
  });
});
