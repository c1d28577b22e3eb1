/**
 * The shape of a benchmark suite. `run.ts` runs every suite it finds in `SUITES` and any optional
 * suite file present (the classroom load run adds `bench/classroom.ts` exporting `suite`).
 */

/** One printed and recorded figure. */
export interface BenchRow {
  metric: string;
  /** The figure; with `--runs N`, the median of the runs. */
  value: number;
  unit: string;
  /** With `--runs N`: the lowest and highest of the runs (the spread on a shared machine). */
  min?: number;
  max?: number;
  runs?: number[];
}

/** What a suite gets. */
export interface BenchContext {
  /** `--quick`: fewer repetitions (CI smoke run). */
  quick: boolean;
  /** Free-form flags after `--` (e.g. `--learners 200`). */
  flags: Record<string, string | boolean>;
  /** Progress lines (stderr), so the table on stdout stays clean. */
  log(line: string): void;
}

/** A named benchmark. */
export interface BenchSuite {
  name: string;
  run(ctx: BenchContext): Promise<{ rows: BenchRow[]; details?: Record<string, unknown> }>;
}
