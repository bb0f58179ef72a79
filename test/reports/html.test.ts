import { describe, expect, it } from 'vitest';
import { renderHtml, scenarioDomId } from '../../reports/html.ts';
import {
  MAX_SCATTER_POINTS,
  MAX_SERIES_POINTS,
  type ScenarioChartPayload,
} from '../../reports/html/chart-data.ts';
import { largeResults, sampleResults } from './fixtures.ts';

function embeddedData(html: string): ScenarioChartPayload[] {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('report-data script not found');
  return JSON.parse(m[1]!) as ScenarioChartPayload[];
}

describe('renderHtml', () => {
  const results = sampleResults();
  const html = renderHtml(results);

  it('is one self-contained document: no external resource, a CSP that forbids the network', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('uPlot'); // the library is inline
    expect(html.match(/<script\b/g)).toHaveLength(3);
  });

  it('escapes hostile scenario names, descriptions and diagnoses', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>bold?</b>');
    expect(html).toContain('edge-partition &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    // Exactly the three script elements we emit close; none is closed early by data.
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('shows every scenario with its outcome in words, not colour alone', () => {
    for (const [i, s] of results.scenarios.entries()) {
      expect(html).toContain(`id="${scenarioDomId(i)}"`);
      void s;
    }
    expect(html).toContain('✔ As expected');
    expect(html).toContain('✘ Unexpected');
    expect(html).toContain('⚠ Errored');
    expect(html).toContain('✔ expected violation');
    expect(html).toContain('1 of 4 scenarios did not behave as expected');
    expect(html).toContain('target did not come back within 10000 ms');
  });

  it('embeds chart data that parses and matches the chart containers', () => {
    const data = embeddedData(html);
    expect(data).toHaveLength(results.scenarios.length);
    for (const s of data) {
      for (const c of s.charts) {
        expect(html).toContain(`id="${s.id}-${c.key}"`);
        for (const y of c.ys) expect(y).toHaveLength(c.x.length);
      }
    }
    // The errored scenario recorded nothing: its charts say so instead of drawing empty axes.
    expect(data[3]!.charts).toEqual([]);
    expect(html).toContain('No data recorded for this chart.');
    // Fault windows travel in seconds.
    expect(data[0]!.faults[0]).toEqual({ name: 'latency', leg: 'edge', start: 5, end: 12 });
  });

  it('marks real-browser clients, their cost and transport, and draws their reconnect timelines beside the models', () => {
    expect(html).toContain('20 browser (model), 20 chromium (real browser)');
    expect(html).toContain('HTTP/2 over TLS');
    expect(html).toContain('Chromium 156.0.8078.114');
    expect(html).toContain('2.3 MiB</b> per EventSource');
    const charts = embeddedData(html)[0]!.charts;
    for (const key of ['clientsConnected', 'clientsReconnects']) {
      const c = charts.find((x) => x.key === key)!;
      expect(c.labels).toEqual(['browser (model)', 'chromium (real browser)']);
      expect(html).toContain(`id="scenario-1-${key}"`);
    }
    // A fleet of one profile has no per-client charts (and no empty cards for them).
    expect(embeddedData(html)[1]!.charts.map((c) => c.key)).not.toContain('clientsReconnects');
    expect(html.match(/data-chart="clientsReconnects"/g)).toHaveLength(1);
  });

  it('shows the model check: each SLO for the model and for Chromium, agreements and documented differences', () => {
    expect(html).toContain('Model check: the browser model vs real Chromium');
    expect(html).toContain('✔ agree');
    expect(html).toContain('≠ known difference');
    expect(html).toContain('– not comparable');
    expect(html).toContain('http1-connection-cap: over HTTP/1.1 Chromium opens at most 6');
  });

  it('shows the nginx profile, server metrics diff and environment', () => {
    expect(html).toContain('proxy_buffering off;');
    expect(html).toContain('sse_events_published_total');
    expect(html).not.toContain('process_cpu_seconds_total'); // only sse_* metrics
    expect(html).toContain('nginx/1.22.1');
    expect(html).toContain('2985b1d0c0ffee');
  });

  it('downsamples the 10,000-subscriber run to what a chart can show', () => {
    const large = largeResults();
    const series = large.scenarios[0]!.series;
    expect(series.t.length).toBe(18_000);
    expect(series.heartbeatGaps.length).toBe(12_000);
    const data = embeddedData(renderHtml(large));
    for (const c of data[0]!.charts) {
      const cap = c.key === 'gaps' ? MAX_SCATTER_POINTS : MAX_SERIES_POINTS;
      expect(c.x.length).toBeLessThanOrEqual(cap);
      expect(c.note).toMatch(/envelope|showing 3,000 of 12,000/);
    }
    // The worst heartbeat gap survives the cap.
    const worst = Math.max(...series.heartbeatGaps.map((g) => g.gapMs));
    expect(data[0]!.charts.find((c) => c.key === 'gaps')!.ys[0]).toContain(worst);
  });
});
