import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../harness/telemetry/prometheus.ts';

describe('parsePrometheusText', () => {
  it('flattens samples with and without labels, skipping comments and timestamps', () => {
    const text = [
      '# HELP sse_active_connections Open SSE streams.',
      '# TYPE sse_active_connections gauge',
      'sse_active_connections 3',
      'sse_events_total{topic="a",kind="pub"} 12 1700000000000',
      '',
      'process_cpu_seconds_total 0.25',
      'http_duration_bucket{le="+Inf"} 7',
      'weird{path="a\\"b}c",x="1",} 1e3',
      'nan_metric NaN',
      'nodejs_eventloop_lag_mean_seconds Nan',
      'neg_inf_metric -inf',
      'inf_metric +Inf',
    ].join('\n');
    const s = parsePrometheusText(text);
    expect(s['sse_active_connections']).toBe(3);
    expect(s['sse_events_total{topic="a",kind="pub"}']).toBe(12);
    expect(s['process_cpu_seconds_total']).toBe(0.25);
    expect(s['http_duration_bucket{le="+Inf"}']).toBe(7);
    expect(s['weird{path="a\\"b}c",x="1"}']).toBe(1000);
    expect(Number.isNaN(s['nan_metric'])).toBe(true);
    // prom-client prints `Nan` right after start; Go's ParseFloat (the format's reference) accepts it.
    expect(Number.isNaN(s['nodejs_eventloop_lag_mean_seconds'])).toBe(true);
    expect(s['neg_inf_metric']).toBe(-Infinity);
    expect(s['inf_metric']).toBe(Infinity);
  });

  it('reads what prom-client writes', async () => {
    const { Registry, Counter, Gauge } = await import('prom-client');
    const reg = new Registry();
    new Gauge({ name: 'g', help: 'h', registers: [reg] }).set(5);
    const c = new Counter({ name: 'c_total', help: 'h', labelNames: ['route'], registers: [reg] });
    c.inc({ route: '/events' }, 2);
    const s = parsePrometheusText(await reg.metrics());
    expect(s).toEqual({ g: 5, 'c_total{route="/events"}': 2 });
  });

  it('names the line of a malformed sample', () => {
    expect(() => parsePrometheusText('ok 1\nbroken{a="1" 2\n')).toThrow(/line 2/);
    expect(() => parsePrometheusText('novalue\n')).toThrow(/line 1/);
    expect(() => parsePrometheusText('x notanumber\n')).toThrow(/line 1/);
  });
});
