/**
 * The shape of `results.json`: the contract between the engine (which produces it) and everything
 * that reads it: the renderers in reports/, CI, other tools (docs/architecture.md, "Contracts").
 * It sits below the engine so no layer depends on a renderer. Add fields freely; never rename or
 * remove the contract fields.
 */

/**
 * `skipped`: the scenario needs something the target does not offer (a declared retention, a way to
 * restart it, root for packet faults): neither passed nor errored, and it never changes the exit code.
 */
export type Verdict = 'pass' | 'fail' | 'error' | 'skipped';

export interface Results {
  schemaVersion: 1;
  tool: { name: 'sse-chaos'; version: string };
  startedAt: string; // ISO wall clock
  finishedAt: string;
  durationMs: number;
  seed: number;
  environment: Environment;
  scenarios: ScenarioResult[];
  summary: { total: number; asExpected: number; unexpected: number; errors: number; skipped?: number };
}

export interface Environment {
  runtime: 'local' | 'containers';
  node: string;
  nginx: string;
  /** The stack's redis-server, when a run used the Redis log. */
  redis?: string;
  /** HAProxy or Caddy and its version, when one ran. */
  proxy?: string;
  toxiproxy: string;
  os: string;
  cpus: number;
  memoryBytes: number;
  gitCommit?: string;
}

export interface ScenarioResult {
  name: string;
  description: string;
  verdict: Verdict;
  /** `pass`, or the names of the SLOs the scenario expects to violate. */
  expected: 'pass' | string[];
  asExpected: boolean;
  /** Set when verdict is `error`: what broke (infrastructure, not the SLOs). */
  error?: string;
  /** Set when verdict is `skipped`: what the scenario needs that the target lacks, and why. */
  skipped?: { needs: string[]; reason: string };
  /** What the plan changed or decided for this target (e.g. a workload extended past the last fault). */
  notes?: string[];
  /** What the verdict rests on, in numbers (also each SLO's own `evidence`). */
  evidence?: {
    publishesAcknowledged: number;
    events: number;
    connections: number;
    subscribers: number;
    windows: number;
    thinnestWindowEvents: number;
  };
  durationMs: number;
  /** Profile name of the proxy, and the rendered config that ran. */
  profile: string;
  proxyConfig?: string;
  /** The proxy kind (`nginx`, `haproxy`, `caddy`); absent in results written before it existed: nginx. */
  proxy?: string;
  target: string;
  fleet: { subscribers: number; profiles: Record<string, number> };
  workload: { published: number; acknowledged: number; failed: number; ratePerSec: number };
  slos: SloResult[];
  /** Every measurement the checks produced, flat: e.g. `delivery.silentGaps`, `latency.p99`. */
  measurements: Record<string, number | null>;
  faults: FaultWindow[];
  series: TimeSeries;
  /** Target metrics scraped before the workload and after the drain, flattened `name{labels}`. */
  metrics: { before: Record<string, number>; after: Record<string, number> };
  logs?: { proxyError?: string; target?: string };
  /** How clients reached nginx when not plain HTTP/1.1. */
  transport?: { tls: boolean; http2: boolean };
  /** What the run's real browser (the `chromium` clients) cost, measured while the fleet ran. */
  browsers?: BrowserCost;
  /** The real browsers' verdicts beside the model's, per SLO (scenarios run as a model check). */
  modelCheck?: ModelCheck;
  /**
   * How late the harness's own event loop ran while the fleet streamed (ms beyond its sampling
   * period): the modelled clients' times are taken on it.
   */
  harness?: { loopDelayP99Ms: number; loopDelayMaxMs: number };
  /** Several instances of the target: which served whom, and how subscribers failed over. */
  instances?: InstancesReport;
}

/** The instances of a multi-instance target over one run (harness/checks/instances.ts). */
export interface InstancesReport {
  /** Per instance: streams it served, subscribers it served at least once, events it delivered. */
  perInstance: { name: string; streams: number; subscribers: number; events: number }[];
  /** Failovers from a stopped instance, by (from, to): subscribers, time to stream again, losses. */
  failovers: {
    from: string;
    to: string;
    subscribers: number;
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
    /** Acknowledged events these subscribers should have had and never got (silently). */
    missed: number;
  }[];
  /** The same in words (the report's and the diagnoses' sentences). */
  story: string[];
}

/** One Chromium's cost over a run: its whole process tree. */
export interface BrowserCost {
  version: string;
  eventSources: number;
  /** Browser contexts (one renderer process each). */
  contexts: number;
  /** Processes in the browser's tree at the end. */
  processes: number;
  /** Largest sum of PSS while the fleet ran, and the idle browser's before its first context (bytes). */
  peakPssBytes: number;
  idlePssBytes: number;
  /** CPU time of the browser's tree while the fleet ran, and over how long (ms). */
  cpuMs: number;
  wallMs: number;
}

/**
 * The model check: every SLO judged on the real browsers' records alone and on the browser model's
 * alone (same run, same faults, same thresholds), and whether the two verdicts agree.
 */
export interface ModelCheck {
  /** The two profiles compared: the model (`browser`) and reality (`chromium`). */
  model: string;
  reality: string;
  subscribers: { model: number; reality: number };
  comparisons: ModelComparison[];
  /** Disagreements not explained by a documented difference. */
  disagreements: number;
}

export interface ModelComparison {
  slo: string;
  /** `pass` / `fail`, or `n/a` when that profile's records do not hold enough evidence to judge it. */
  model: 'pass' | 'fail' | 'n/a';
  reality: 'pass' | 'fail' | 'n/a';
  modelMeasured: number | null;
  realityMeasured: number | null;
  /** agree, disagree, or not comparable (one side could not be judged). */
  outcome: 'agree' | 'disagree' | 'not comparable';
  /** A documented model/reality difference that explains a disagreement (see harness/run/model-check.ts). */
  known?: string;
  /** Why a pair was not compared when both sides had evidence (e.g. the harness's own loop lagged). */
  note?: string;
}

export interface SloResult {
  name: string;
  /** Why it matters, one sentence. */
  description: string;
  /** The measurement key it judges (in `measurements`). */
  measurement: string;
  comparator: '<=' | '>=' | '==';
  threshold: number;
  measured: number | null;
  unit: string;
  pass: boolean;
  /** Plain-words cause and fix, present when the SLO failed. */
  diagnosis?: string;
  /** The count this verdict rests on (events, connections, subscribers...). */
  evidence?: { measurement: string; value: number | null };
  /** The target does not expose this measurement: reported, not judged (pass stays true). */
  notMeasured?: boolean;
}

export interface FaultWindow {
  name: string;
  leg?: string;
  startMs: number;
  endMs: number;
  params: Record<string, unknown>;
  error?: string;
}

/**
 * Time series for charts, bucketed on the run clock. Arrays are parallel to `t`. Raw enough that the
 * renderer decides how to downsample; `null` where a bucket had no sample.
 */
export interface TimeSeries {
  bucketMs: number;
  /** Bucket start, ms since run start. */
  t: number[];
  latencyP50: (number | null)[];
  latencyP95: (number | null)[];
  latencyP99: (number | null)[];
  latencyMax: (number | null)[];
  /** Subscribers with an open 200 stream at the bucket end. */
  connected: number[];
  /** Connection attempts in the bucket, scaled to per second. */
  reconnectsPerSec: number[];
  /** Events acknowledged by the target in the bucket. */
  published: number[];
  /** Events delivered to subscribers in the bucket (all subscribers). */
  delivered: number[];
  /** Longest silence (no byte of any kind) per connection: one point per connection. */
  heartbeatGaps: { t: number; gapMs: number; sub: number }[];
  /**
   * The same connected and reconnect series per client profile (`browser`, `backoff`, `chromium`),
   * when real browsers share the fleet with modelled clients: their reconnect timelines beside the
   * modelled ones.
   */
  byProfile?: Record<string, { connected: number[]; reconnectsPerSec: number[] }>;
}
