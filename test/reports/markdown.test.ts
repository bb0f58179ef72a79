import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../reports/markdown.ts';
import { sampleResults } from './fixtures.ts';

describe('renderMarkdown', () => {
  const results = sampleResults();
  const md = renderMarkdown(results);
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Scenario'));

  it('has a headline and one table row per scenario with the key figures', () => {
    expect(md).toContain('❌ **1 of 4 scenarios did not behave as expected**');
    expect(rows).toHaveLength(4);
    expect(rows[0]).toBe(
      '| edge-latency | ✅ as expected | pass | pass | 0 | 0 | 613 ms | 11/s | 1,800 ms |',
    );
    expect(rows[1]).toContain('✅ as expected | fail | violate heartbeat-gap');
    expect(rows[3]).toContain('⚠️ error');
    // Every row has the same number of cells as the header.
    const header = md.split('\n').find((l) => l.startsWith('| Scenario'))!;
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const r of rows) expect(cells(r)).toBe(cells(header));
  });

  it('neutralises HTML in names and diagnoses', () => {
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
    expect(md).toContain('edge-partition &lt;script&gt;alert("x")&lt;/script&gt;');
  });

  it('lists the diagnoses of unexpected outcomes only', () => {
    const section = md.slice(md.indexOf('### What went wrong'));
    expect(section).toContain('**no-silent-gaps** violated (measured 3, threshold == 0)');
    expect(section).toContain('infrastructure error: target did not come back');
    expect(section).not.toContain('X-Accel-Buffering'); // the expected violation is not a problem
  });

  it('has no "What went wrong" section when everything is as expected', () => {
    const ok = structuredClone(results);
    ok.scenarios = ok.scenarios.slice(0, 2);
    ok.summary = { total: 2, asExpected: 2, unexpected: 0, errors: 0 };
    const out = renderMarkdown(ok);
    expect(out).toContain('✅ **All 2 of 2 scenarios behaved as expected**');
    expect(out).not.toContain('What went wrong');
  });
});

describe('renderMarkdown with a skipped scenario', () => {
  it('lists it apart with its reason, and never as a failure', () => {
    const r = sampleResults(42, { hostile: false });
    const ok = r.scenarios.filter((s) => s.asExpected);
    const skipped = {
      ...ok[0]!,
      name: 'crash-restart',
      verdict: 'skipped' as const,
      slos: [],
      skipped: { needs: ['durable'], reason: 'needs a durable log (declares.durable: true)' },
    };
    const results = {
      ...r,
      scenarios: [...ok, skipped],
      summary: {
        ...r.summary,
        total: ok.length + 1,
        skipped: 1,
        unexpected: 0,
        errors: 0,
        asExpected: ok.length,
      },
    };
    const md = renderMarkdown(results);
    expect(md).toContain(
      `✅ **All ${ok.length} of ${ok.length} scenarios that ran behaved as expected** (1 skipped)`,
    );
    expect(md).toContain('- **crash-restart**: needs a durable log (declares.durable: true)');
    expect(md).not.toContain('What went wrong');
  });
});
