/**
 * Deterministic, realistic Results for the report tests: the same seed gives the same bytes.
 * `sampleResults()` covers every outcome (pass, expected violation, unexpected failure, error) and
 * carries hostile text (`<script>`, `</script>`, U+2028, control characters) in names, diagnoses and
 * logs; `largeResults()` has 10,000 subscribers' heartbeat points and long series.
 */
import { seededRandom as rng } from '../../harness/client/random.ts';
import type {
  FaultWindow,
  Results,
  ScenarioResult,
  SloResult,
  TimeSeries,
} from '../../harness/results/results.ts';

interface SeriesOptions {
  durationMs: number;
  bucketMs: number;
  subscribers: number;
  ratePerSec: number;
  faults: FaultWindow[];
  /** Extra latency (ms) inside fault windows. */
  faultLatencyMs: number;
  /** Fraction of subscribers cut at each fault start (they reconnect over the next seconds). */
  cutFraction: number;
  heartbeatMs: number;
  /** Gap points, one per connection: subscribers plus reconnections. */
  gapPoints: number;
}

function inFault(t: number, faults: FaultWindow[]): boolean {
  return faults.some((f) => t >= f.startMs && t < f.endMs);
}

/** Builds plausible series: latency rises and subscribers drop inside fault windows, reconnects spike after. */
export function buildSeries(seed: number, o: SeriesOptions): TimeSeries {
  const r = rng(seed);
  const n = Math.floor(o.durationMs / o.bucketMs);
  const s: TimeSeries = {
    bucketMs: o.bucketMs,
    t: [],
    latencyP50: [],
    latencyP95: [],
    latencyP99: [],
    latencyMax: [],
    connected: [],
    reconnectsPerSec: [],
    published: [],
    delivered: [],
    heartbeatGaps: [],
  };
  const perBucket = (o.ratePerSec * o.bucketMs) / 1000;
  for (let i = 0; i < n; i++) {
    const t = i * o.bucketMs;
    const faulty = inFault(t, o.faults);
    const sinceFaultEnd = Math.min(...o.faults.map((f) => (t >= f.endMs ? t - f.endMs : Infinity)));
    const base = 4 + r() * 3 + (faulty ? o.faultLatencyMs * (0.6 + r() * 0.8) : 0);
    const noSample = faulty && o.cutFraction >= 1 && r() < 0.7;
    s.t.push(t);
    s.latencyP50.push(noSample ? null : base);
    s.latencyP95.push(noSample ? null : base * (1.6 + r() * 0.4));
    s.latencyP99.push(noSample ? null : base * (2.2 + r() * 0.8));
    s.latencyMax.push(noSample ? null : base * (3 + r() * 2));
    const down = faulty ? Math.round(o.subscribers * o.cutFraction) : 0;
    const recovering =
      sinceFaultEnd < 3000 ? Math.round(o.subscribers * o.cutFraction * (1 - sinceFaultEnd / 3000)) : 0;
    s.connected.push(Math.max(0, o.subscribers - down - recovering));
    const storm = sinceFaultEnd < 3000 ? (o.subscribers * o.cutFraction) / 3 : 0;
    s.reconnectsPerSec.push(Math.round(storm * (0.7 + r() * 0.6)));
    const published = Math.round(perBucket * (0.9 + r() * 0.2));
    s.published.push(published);
    s.delivered.push(Math.round(published * (o.subscribers - down) * (faulty ? 0.4 : 1)));
  }
  for (let i = 0; i < o.gapPoints; i++) {
    const t = Math.floor(r() * o.durationMs);
    const faulty = inFault(t, o.faults);
    const gap = o.heartbeatMs * (0.9 + r() * 0.3) + (faulty ? r() * o.faultLatencyMs * 20 : 0);
    s.heartbeatGaps.push({ t, gapMs: Math.round(gap), sub: i % Math.max(1, o.subscribers) });
  }
  return s;
}

function slo(
  name: string,
  measurement: string,
  comparator: SloResult['comparator'],
  threshold: number,
  measured: number | null,
  unit: string,
  diagnosis?: string,
): SloResult {
  const pass =
    measured !== null &&
    (comparator === '<='
      ? measured <= threshold
      : comparator === '>='
        ? measured >= threshold
        : measured === threshold);
  return {
    name,
    description: `Why ${name} matters: it guards what users see.`,
    measurement,
    comparator,
    threshold,
    measured,
    unit,
    pass,
    ...(pass ? {} : { diagnosis: diagnosis ?? `${name} was violated.` }),
  };
}

function scenario(
  seed: number,
  partial: Pick<ScenarioResult, 'name' | 'description' | 'expected' | 'profile'> & {
    faults: FaultWindow[];
    slos: SloResult[];
    subscribers?: number;
    durationMs?: number;
    bucketMs?: number;
    gapPoints?: number;
    faultLatencyMs?: number;
    cutFraction?: number;
    error?: string;
    emptySeries?: boolean;
  },
): ScenarioResult {
  const subscribers = partial.subscribers ?? 50;
  const durationMs = partial.durationMs ?? 20_000;
  const series = buildSeries(seed, {
    durationMs: partial.emptySeries ? 0 : durationMs,
    bucketMs: partial.bucketMs ?? 250,
    subscribers,
    ratePerSec: 20,
    faults: partial.faults,
    faultLatencyMs: partial.faultLatencyMs ?? 200,
    cutFraction: partial.cutFraction ?? 0.5,
    heartbeatMs: 1000,
    gapPoints: partial.emptySeries ? 0 : (partial.gapPoints ?? subscribers * 2),
  });
  const failing = partial.slos.filter((s) => !s.pass).map((s) => s.name);
  const verdict: ScenarioResult['verdict'] = partial.error ? 'error' : failing.length ? 'fail' : 'pass';
  const expectedSet = partial.expected === 'pass' ? [] : partial.expected;
  const asExpected =
    verdict !== 'error' &&
    failing.length === expectedSet.length &&
    failing.every((n) => expectedSet.includes(n));
  const measurements: Record<string, number | null> = {};
  for (const s of partial.slos) measurements[s.measurement] = s.measured;
  measurements['reconnect.peakPerSec'] ??= Math.max(0, ...series.reconnectsPerSec);
  return {
    name: partial.name,
    description: partial.description,
    verdict,
    expected: partial.expected,
    asExpected,
    ...(partial.error ? { error: partial.error } : {}),
    durationMs,
    profile: partial.profile,
    proxyConfig: `worker_processes 1;\nevents { worker_connections 1024; }\nhttp {\n  server {\n    listen 127.0.0.1:8080;\n    location /events {\n      proxy_pass http://127.0.0.1:9000;\n      proxy_buffering ${partial.profile === 'buffering' ? 'on' : 'off'};\n      proxy_http_version 1.1;\n    }\n  }\n}\n`,
    target: 'reference server',
    fleet: {
      subscribers,
      profiles: { browser: Math.ceil(subscribers / 2), backoff: Math.floor(subscribers / 2) },
    },
    workload: { published: 400, acknowledged: 398, failed: 2, ratePerSec: 20 },
    slos: partial.slos,
    measurements,
    faults: partial.faults,
    series,
    metrics: {
      before: {
        sse_connections_open: 0,
        sse_events_published_total: 0,
        sse_replay_buffer_size: 0,
        process_cpu_seconds_total: 0.5,
      },
      after: {
        sse_connections_open: partial.error ? 3 : 0,
        sse_events_published_total: 398,
        sse_replay_buffer_size: 256,
        process_cpu_seconds_total: 3.2,
      },
    },
    logs: {
      proxyError:
        '2026/11/22 07:00:00 [warn] 12#12: an upstream response is buffered to a temporary file <tmp>\n',
      target: 'listening on 127.0.0.1:9000\n',
    },
  };
}

function results(seed: number, scenarios: ScenarioResult[]): Results {
  const unexpected = scenarios.filter((s) => s.verdict !== 'error' && !s.asExpected).length;
  const errors = scenarios.filter((s) => s.verdict === 'error').length;
  return {
    schemaVersion: 1,
    tool: { name: 'sse-chaos', version: '0.1.0' },
    startedAt: '2026-11-22T07:00:00.000Z',
    finishedAt: '2026-11-22T07:02:00.000Z',
    durationMs: 120_000,
    seed,
    environment: {
      runtime: 'local',
      node: 'v20.20.2',
      nginx: 'nginx/1.22.1',
      toxiproxy: '2.12.0',
      os: 'Linux 6.1 x64',
      cpus: 2,
      memoryBytes: 8 * 2 ** 30,
      gitCommit: '2985b1d0c0ffee0000000000000000000000beef',
    },
    scenarios,
    summary: {
      total: scenarios.length,
      asExpected: scenarios.length - unexpected - errors,
      unexpected,
      errors,
    },
  };
}

/**
 * Four scenarios covering every outcome, with hostile text in names, diagnoses and logs
 * (`hostile: false` gives the same run with plain text, for the README screenshot).
 */
export function sampleResults(seed = 42, { hostile = true }: { hostile?: boolean } = {}): Results {
  const evil = (bad: string, plain: string) => (hostile ? bad : plain);
  const partition: FaultWindow = {
    name: 'blackhole',
    leg: 'edge',
    startMs: 6000,
    endMs: 11_000,
    params: { toxic: 'timeout', timeout: 0 },
  };
  const latency: FaultWindow = {
    name: 'latency',
    leg: 'edge',
    startMs: 5000,
    endMs: 12_000,
    params: { latency: 200, jitter: 50 },
  };
  const reload: FaultWindow = {
    name: 'nginx-reload',
    startMs: 14_000,
    endMs: 14_500,
    params: { profile: 'good' },
  };
  return withRealBrowsers(
    results(seed, [
      scenario(seed + 1, {
        name: 'edge-latency',
        description: 'Adds 200 ms ± 50 ms on the edge leg; events stay ordered and on time within the SLO.',
        expected: 'pass',
        profile: 'good',
        faults: [latency, reload],
        slos: [
          slo('no-silent-gaps', 'delivery.silentGaps', '==', 0, 0, ''),
          slo('no-duplicates', 'delivery.duplicates', '==', 0, 0, ''),
          slo('latency-p99', 'latency.outsideFault.p99', '<=', 1000, 612.5, 'ms'),
          slo('recovery', 'reconnect.recoveryMs', '<=', 5000, 1800, 'ms'),
        ],
      }),
      scenario(seed + 2, {
        name: 'proxy-buffering',
        description:
          'nginx with proxy_buffering on and an HTTP/1.0 upstream: the detector must catch the bursts.',
        expected: ['heartbeat-gap'],
        profile: 'buffering',
        faults: [],
        faultLatencyMs: 0,
        slos: [
          slo('no-silent-gaps', 'delivery.silentGaps', '==', 0, 0, ''),
          slo(
            'heartbeat-gap',
            'heartbeat.maxGapMs',
            '<=',
            2500,
            9800,
            'ms',
            'events arrived in ~4 KiB bursts: the proxy is buffering the upstream response; set proxy_buffering off or send X-Accel-Buffering: no',
          ),
        ],
      }),
      scenario(seed + 3, {
        name: evil('edge-partition <script>alert("x")</script>', 'edge-partition'),
        description: evil(
          'Blackhole longer than the watchdog: </script><b>bold?</b> & friends \u2028 must stay text.',
          'Blackhole on the edge leg longer than the watchdog: subscribers must detect the dead stream, reconnect and replay.',
        ),
        expected: 'pass',
        profile: 'good',
        faults: [partition],
        cutFraction: 1,
        faultLatencyMs: 400,
        slos: [
          slo(
            'no-silent-gaps',
            'delivery.silentGaps',
            '==',
            0,
            3,
            '',
            evil(
              'events 118-120 never reached 7 subscribers after reconnect: </script><img src=x onerror=alert(1)> the replay window dropped them\u0007; raise the retention.',
              'events 118-120 never reached 7 subscribers after reconnect: the replay window had already dropped them; raise the retention or declare the gap with a reset.',
            ),
          ),
          slo('no-duplicates', 'delivery.duplicates', '==', 0, 0, ''),
          slo(
            'latency-p99',
            'latency.outsideFault.p99',
            '<=',
            1000,
            1450,
            'ms',
            'p99 rose during the partition',
          ),
        ],
      }),
      scenario(seed + 4, {
        name: 'crash-restart',
        description: 'SIGKILL the target and restart it: nothing acknowledged may be lost.',
        expected: 'pass',
        profile: 'good',
        faults: [
          {
            name: 'sigkill',
            startMs: 5000,
            endMs: 5200,
            params: { signal: 'SIGKILL' },
            error: 'target did not restart',
          },
        ],
        slos: [],
        error:
          'target did not come back within 10000 ms after SIGKILL (port 9000 refused); see the target log.\nstack: Error <at> restart()',
        emptySeries: true,
      }),
    ]),
  );
}

/** One scenario with 10,000 subscribers: 12,000 heartbeat-gap points and 30 minutes of 100 ms buckets. */
export function largeResults(seed = 7): Results {
  const faults: FaultWindow[] = [
    { name: 'cut', leg: 'edge', startMs: 300_000, endMs: 302_000, params: { proxy: 'edge', enabled: false } },
    { name: 'latency', leg: 'origin', startMs: 900_000, endMs: 960_000, params: { latency: 300 } },
  ];
  return results(seed, [
    scenario(seed, {
      name: 'reconnect-storm',
      description: 'Cut 10,000 subscribers at once; jittered backoff must spread their reconnects.',
      expected: 'pass',
      profile: 'good',
      faults,
      subscribers: 10_000,
      durationMs: 1_800_000,
      bucketMs: 100,
      gapPoints: 12_000,
      cutFraction: 1,
      slos: [
        slo('no-silent-gaps', 'delivery.silentGaps', '==', 0, 0, ''),
        slo('peak-reconnects', 'reconnect.peakPerSec', '<=', 5000, 3400, '/s'),
      ],
    }),
  ]);
}

/**
 * The first scenario as a mixed fleet: real Chromium beside the browser model, over HTTP/2, with the
 * browser's cost and the model check (one agreement, one documented difference, one not comparable).
 */
function withRealBrowsers(r: Results): Results {
  const s = r.scenarios[0]!;
  const half = (xs: number[]) => xs.map((x) => Math.round(x / 2));
  s.fleet = { subscribers: s.fleet.subscribers, profiles: { browser: 20, chromium: 20 } };
  s.transport = { tls: true, http2: true };
  s.series.byProfile = {
    browser: { connected: half(s.series.connected), reconnectsPerSec: half(s.series.reconnectsPerSec) },
    chromium: {
      connected: half(s.series.connected),
      reconnectsPerSec: s.series.reconnectsPerSec.map((x, i) => (i % 7 === 0 ? x : Math.round(x / 3))),
    },
  };
  s.browsers = {
    version: '156.0.8078.114',
    eventSources: 20,
    contexts: 1,
    processes: 8,
    peakPssBytes: 359 * 2 ** 20,
    idlePssBytes: 313 * 2 ** 20,
    cpuMs: 1450,
    wallMs: 7100,
  };
  s.modelCheck = {
    model: 'browser',
    reality: 'chromium',
    subscribers: { model: 20, reality: 20 },
    disagreements: 0,
    comparisons: [
      {
        slo: 'no-silent-loss',
        model: 'pass',
        reality: 'pass',
        modelMeasured: 0,
        realityMeasured: 0,
        outcome: 'agree',
      },
      {
        slo: 'no-queued-streams',
        model: 'pass',
        reality: 'fail',
        modelMeasured: 0,
        realityMeasured: 1,
        outcome: 'disagree',
        known:
          'http1-connection-cap: over HTTP/1.1 Chromium opens at most 6 connections per origin per browser context',
      },
      {
        slo: 'backoff-policy',
        model: 'pass',
        reality: 'n/a',
        modelMeasured: 0,
        realityMeasured: 0,
        outcome: 'not comparable',
      },
    ],
  };
  return r;
}
