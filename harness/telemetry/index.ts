export { parsePrometheusText } from './prometheus.ts';
export { scrapeMetrics, type ScrapeResult } from './scrape.ts';
export { startTracing, inSpan, type RunnerTracing } from './tracing.ts';
