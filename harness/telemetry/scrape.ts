/**
 * Scrapes the target's /metrics once. A scrape must never stall or fail a run (metrics are
 * evidence, not the system under test), so it has a timeout and reports failure as a value.
 */
import { parsePrometheusText } from './prometheus.ts';

export type ScrapeResult = { ok: true; samples: Record<string, number> } | { ok: false; error: string };

export async function scrapeMetrics(url: string, timeoutMs = 3000): Promise<ScrapeResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (res.status !== 200) return { ok: false, error: `GET ${url}: HTTP ${res.status}` };
    // NaN/Inf samples (prom-client prints NaN for an empty summary) carry nothing, and JSON cannot
    // hold them: keep finite values only.
    const samples = Object.fromEntries(
      Object.entries(parsePrometheusText(text)).filter(([, v]) => Number.isFinite(v)),
    );
    return { ok: true, samples };
  } catch (err) {
    return { ok: false, error: `GET ${url}: ${(err as Error).message}` };
  }
}
