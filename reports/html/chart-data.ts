/**
 * Turns a scenario's measured series into the compact, downsampled payload the report's client
 * script charts. Pure: results in, plain data out, so it is tested without a browser.
 */
import { capScatter, downsampleMinMax } from '../downsample.ts';
import type { ScenarioResult } from '../../harness/results/results.ts';

/** Points per series a chart draws at most: about one min/max pair per pixel column of a wide chart. */
export const MAX_SERIES_POINTS = 1200;
/** Heartbeat-gap points drawn at most (one per connection in the data). */
export const MAX_SCATTER_POINTS = 3000;

export type ChartKey =
  'latency' | 'connected' | 'reconnects' | 'clientsConnected' | 'clientsReconnects' | 'gaps' | 'flow';

/** Charts drawn only for a fleet that mixes client profiles (no "no data" card otherwise). */
export const PROFILE_CHARTS: readonly ChartKey[] = ['clientsConnected', 'clientsReconnects'];

export interface ChartPayload {
  key: ChartKey;
  /** Seconds since run start. */
  x: number[];
  ys: (number | null)[][];
  /** One label per series, where the series are not fixed by the chart kind (per client profile). */
  labels?: string[];
  /** Shown under the chart, e.g. "showing 3,000 of 12,000 connections". */
  note?: string;
}

export interface FaultPayload {
  name: string;
  leg?: string;
  /** Seconds since run start. */
  start: number;
  end: number;
}

export interface ScenarioChartPayload {
  /** DOM id of the scenario section. */
  id: string;
  /** End of the shared x axis in seconds: every chart of a scenario spans the same run time. */
  xMax: number;
  faults: FaultPayload[];
  charts: ChartPayload[];
}

const seconds = (ms: number) => Math.round(ms) / 1000;

function seriesChart(key: ChartKey, tMs: number[], ys: (number | null)[][], total: number): ChartPayload {
  const d = downsampleMinMax(tMs.map(seconds), ys, MAX_SERIES_POINTS);
  const chart: ChartPayload = { key, x: d.x, ys: d.ys };
  if (total > MAX_SERIES_POINTS) {
    chart.note = `${total.toLocaleString('en-US')} buckets drawn as min/max envelope of ${d.x.length.toLocaleString('en-US')} points`;
  }
  return chart;
}

/** Chart payload of one scenario; charts whose data is empty are left out (the page says so). */
export function scenarioCharts(scenario: ScenarioResult, id: string): ScenarioChartPayload {
  const s = scenario.series;
  const n = s.t.length;
  const charts: ChartPayload[] = [];
  if (n > 0) {
    charts.push(seriesChart('latency', s.t, [s.latencyP50, s.latencyP95, s.latencyP99, s.latencyMax], n));
    charts.push(seriesChart('connected', s.t, [s.connected], n));
    charts.push(seriesChart('reconnects', s.t, [s.reconnectsPerSec], n));
    const profiles = Object.keys(s.byProfile ?? {}).sort(byRealBrowserLast);
    if (profiles.length > 1) {
      const labels = profiles.map(profileLabel);
      for (const [key, field] of [
        ['clientsConnected', 'connected'],
        ['clientsReconnects', 'reconnectsPerSec'],
      ] as const) {
        const chart = seriesChart(
          key,
          s.t,
          profiles.map((p) => s.byProfile![p]![field]),
          n,
        );
        chart.labels = labels;
        charts.push(chart);
      }
    }
  }
  if (s.heartbeatGaps.length > 0) {
    const capped = capScatter(s.heartbeatGaps, MAX_SCATTER_POINTS);
    const chart: ChartPayload = {
      key: 'gaps',
      x: capped.points.map((p) => seconds(p.t)),
      ys: [capped.points.map((p) => p.gapMs)],
    };
    if (capped.total > capped.points.length) {
      chart.note =
        `showing ${capped.points.length.toLocaleString('en-US')} of ${capped.total.toLocaleString('en-US')} ` +
        `connections (the ${Math.floor(MAX_SCATTER_POINTS / 4).toLocaleString('en-US')} longest gaps always included)`;
    }
    charts.push(chart);
  }
  if (n > 0) charts.push(seriesChart('flow', s.t, [s.published, s.delivered], n));
  const lastX = Math.max(0, ...charts.map((c) => c.x[c.x.length - 1] ?? 0));
  const lastFault = Math.max(0, ...scenario.faults.map((f) => seconds(f.endMs)));
  return {
    id,
    xMax: Math.max(seconds(scenario.durationMs), lastX, lastFault),
    faults: scenario.faults.map((f) => ({
      name: f.name,
      ...(f.leg === undefined ? {} : { leg: f.leg }),
      start: seconds(f.startMs),
      end: seconds(f.endMs),
    })),
    charts,
  };
}

/** Real browsers are what the models are read against: listed (and drawn) last, on top. */
function byRealBrowserLast(a: string, b: string): number {
  return Number(a === 'chromium') - Number(b === 'chromium') || a.localeCompare(b);
}

/** A client profile as the report names it. */
export function profileLabel(profile: string): string {
  if (profile === 'chromium') return 'chromium (real browser)';
  if (profile === 'browser') return 'browser (model)';
  if (profile === 'backoff') return 'backoff (model)';
  return profile;
}

/** Titles and descriptions of each chart, shared by the template (headings) and tests. */
export const CHART_TITLES: Record<ChartKey, { title: string; help: string }> = {
  latency: {
    title: 'Delivery latency',
    help: 'Publish to receive, per bucket: p50 / p95 / p99 bands and the maximum.',
  },
  connected: { title: 'Connected subscribers', help: 'Subscribers holding an open 200 stream.' },
  reconnects: {
    title: 'Reconnects per second',
    help: 'Connection attempts across the fleet; a tall narrow spike after a fault is a reconnect storm.',
  },
  clientsConnected: {
    title: 'Connected, by client',
    help: 'Open streams per client profile: real Chromium EventSources beside the modelled clients.',
  },
  clientsReconnects: {
    title: 'Reconnect timelines, by client',
    help: "Connection attempts per second per client profile: a real browser's reconnects beside the models' after each fault.",
  },
  gaps: {
    title: 'Heartbeat gaps',
    help: 'Longest silence (no byte at all) per connection; points above the heartbeat interval mean a stalled or buffered stream.',
  },
  flow: {
    title: 'Published vs delivered',
    help: 'Events acknowledged by the target and events delivered to all subscribers, per bucket.',
  },
};
