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
  /** Profile name of the proxy, and the rendered config that ran (named for nginx, any proxy's). */
  profile: string;
  nginxConfig?: string;
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
  logs?: { nginxError?: string; target?: string };
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
}
