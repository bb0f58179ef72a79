/**
 * What every benchmark hands back: one or more rows of the summary table, each comparing our figure
 * with a baseline measured in the same run, plus the absolute figures behind it.
 */
export interface BenchRow {
  /** Benchmark name, e.g. `parser`, `fleet`. */
  benchmark: string;
  /** What this row measures, e.g. `small events, 1400 B chunks (MB/s)`. */
  metric: string;
  ours: number | null;
  baseline: number | null;
  /** ours / baseline (or the figure the goal is stated in, when there is no baseline). */
  ratio: number | null;
  /** The goal in words, e.g. `>= 1.5x`. */
  goal: string;
  /** undefined: informational row without a goal. */
  met?: boolean;
  unit: string;
}

export interface BenchResult {
  name: string;
  rows: BenchRow[];
  /** Absolute figures and context (JSON-serialisable), written to the results file. */
  details: Record<string, unknown>;
  /** Why a goal is not met or a figure is partial: what limits it. */
  notes: string[];
  durationMs: number;
  /** Set when the benchmark crashed (the others still run). */
  error?: string;
}

export interface BenchContext {
  quick: boolean;
  /** Progress lines go to stderr so the table on stdout stays clean. */
  log(msg: string): void;
}

export type Benchmark = (ctx: BenchContext) => Promise<Omit<BenchResult, 'durationMs' | 'name'>>;
